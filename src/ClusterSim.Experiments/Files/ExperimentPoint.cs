using ClusterSim.Core.Training;
using ClusterSim.Experiments.Studies;

namespace ClusterSim.Experiments.Files;

/// <summary>
/// One point of an experiment's sweep, fully resolved: everything needed to run its replications. A point
/// serves, trains, (with a lifecycle) trains and then serves, or runs a shared cluster of both.
/// </summary>
public sealed record ExperimentPoint
{
    public int Index { get; init; }

    /// <summary>Swept parameter values of this point (path → value), in sweep order.</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Parameters { get; init; }

    /// <summary>The point's name from the sweep's <c>labels</c>, or null.</summary>
    public string? Name { get; init; }

    /// <summary>How tables, charts and findings name the point: its label, or its swept values.</summary>
    public string Label => Name ?? Sweeps.SweepPlan.Label(Parameters);

    public ServingPoint? Serving { get; init; }
    public TrainingJob? Training { get; init; }
    public LifecycleSpec? Lifecycle { get; init; }

    /// <summary>Industry trends applied to the simulated lifecycle (base bills), or null.</summary>
    public ClusterSim.Core.Economics.IndustryOptions? Industry { get; init; }

    /// <summary>A shared cluster of pools, training jobs and serving deployments, or null.</summary>
    public ClusterSpec? Cluster { get; init; }

    /// <summary>Alternatives for the service in <see cref="Serving"/>, compared at its traffic, or null.</summary>
    public ChoicesSpec? Choices { get; init; }

    /// <summary>The assistant on its users' devices against the cloud of <see cref="Serving"/>, or null.</summary>
    public EdgeSpec? Edge { get; init; }

    /// <summary>
    /// What a point actually ran on, for summary.csv beside its metrics: the hardware, the precision requested and the
    /// one computed in (FP8 asked of an A100 runs in BF16), the calibration used and the price per accelerator-hour
    /// (empty where none applies).
    /// </summary>
    public IReadOnlyList<(string Name, string Value)> Describe()
    {
        static string Lower(Core.Catalog.Precision p) => p.ToString().ToLowerInvariant();
        static string Price(double? usd) => usd is double v && double.IsFinite(v) ? v.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture) : string.Empty;
        if (Serving is { } serving && Cluster is null)
        {
            Core.Performance.ServingDeployment d = serving.Replicas[0].Deployment;
            double? price = Lifecycle?.Cost.HourlyRate(0) ?? d.Accelerator.PricePerHour;
            return [("hardware", d.Accelerator.Id), ("weights", Lower(d.Weights)), ("compute_precision", Lower(d.ComputePrecision)), ("calibration", d.CalibrationName), ("price_per_hour", Price(price))];
        }

        if (Training is { } job)
        {
            return [("hardware", job.Accelerator.Id), ("weights", Lower(job.Precision)), ("compute_precision", Lower(job.Precision)), ("calibration", string.Empty), ("price_per_hour", Price(job.EffectivePricePerHour))];
        }

        return [];
    }

    /// <summary>What this point runs, as its sections decide.</summary>
    public Study Study => Study.Of(this);
}
