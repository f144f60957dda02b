using ClusterSim.Core.Economics;
using ClusterSim.Core.Metrics;
using ClusterSim.Core.Performance;
using ClusterSim.Core.Training;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Results;
using ClusterSim.Experiments.Running;

namespace ClusterSim.Experiments.Studies;

/// <summary>A model's life: the training run simulated, a serving cell measured at the SLO, the fleet sized to demand and both bills booked day by day.</summary>
public sealed class LifecycleStudy : Study
{
    public static readonly LifecycleStudy Instance = new();

    private static readonly MetricColumn[] Columns =
    [
        new("training_days", "train days", 1, "0.0"),
        new("training_cost_usd", "train $M", 1e-6, "0.0"),
        new("replica_tok_s_at_slo", "tok/s/replica", 1, "0"),
        new("fleet_accelerators_at_launch", "fleet@launch", 1, "0"),
        new("fleet_accelerators_at_end", "fleet@end", 1, "0"),
        new("cost_per_mtok_at_launch", "$/Mtok@launch", 1, "0.00"),
        new("crossover_days_after_launch", "crossover days", 1, "0.0"),
        new("inference_cost_usd", "inference $M", 1e-6, "0.0"),
    ];

    private LifecycleStudy()
    {
    }

    /// <inheritdoc/>
    public override StudyKind Kind => StudyKind.Lifecycle;

    /// <inheritdoc/>
    public override ISimulationResult Run(ExperimentPoint point, double rate, long seed, IProgress<double>? share) => Simulate(point, seed);

    /// <inheritdoc/>
    public override IReadOnlyList<MetricColumn> SummaryColumns(IReadOnlyList<PointResult> results) => Columns;

    /// <inheritdoc/>
    public override IEnumerable<string> Findings(IReadOnlyList<PointResult> results)
    {
        foreach (PointResult r in results)
        {
            MetricSummary days = r.Metric("crossover_days_after_launch");
            string where = r.Point.Parameters.Count == 0 ? string.Empty : $" ({r.Point.Label})";
            if (!double.IsFinite(days.Mean))
            {
                yield return $"inference does not overtake training within the horizon{where}";
                continue;
            }

            string date = r.Point.Lifecycle!.LaunchDate is { } launch
                ? ": " + launch.AddDays((int)Math.Round(days.Mean)).ToString("d MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture)
                : string.Empty;
            yield return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"inference overtakes training {days.Mean:0.0} ± {days.HalfWidth95:0.0} days after launch{date}{where}");
        }
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> SweepMetrics(IReadOnlyList<PointResult> results) => ["crossover_days_after_launch", "cost_per_mtok_at_launch"];

    /// <summary>Runs the lifecycle of <paramref name="point"/> (its training run, if any, then its serving life) with randomness from <paramref name="seed"/>.</summary>
    public static LifecycleResult Simulate(ExperimentPoint point, long seed)
    {
        LifecycleSpec spec = point.Lifecycle ?? throw new ArgumentException("the point has no lifecycle section");
        TrainingJob? job = point.Training;
        ServingPoint serving = point.Serving!;
        TrainingResult? training = job is null ? null : TrainingRun.RunStages(job, seed);
        (double tokensPerSecond, double utilisation) = CellCapacity.Measure(serving, spec.CellReplicas, seed);
        ServingDeployment deployment = serving.Replicas[0].Deployment;
        // The training bill uses the job's own price (when it names one) and always its PUE, so its energy is the run's own figure.
        CostModel trainingCost = job?.PricePerHour is { } price ? spec.Cost with { Rental = new PriceCurve(price), Capex = null } : spec.Cost;
        if (job is not null)
        {
            trainingCost = trainingCost with { Energy = trainingCost.Energy with { Pue = job.Pue } };
        }

        return LifecycleModel.Run(new LifecycleOptions
        {
            Training = training,
            ReplicaTokensPerSecond = tokensPerSecond,
            ReplicaUtilisationAtCapacity = utilisation,
            AcceleratorsPerReplica = deployment.TensorParallel * deployment.PipelineParallel,
            ServingTdpWatts = deployment.Accelerator.TdpWatts ?? 0,
            Demand = spec.Demand,
            TrainingCost = trainingCost,
            ServingCost = spec.Cost,
            ServingDays = spec.ServingDays,
            Headroom = spec.Headroom,
            ColdStartSeconds = spec.ColdStartSeconds,
            SoftwareGainPerYear = spec.SoftwareGainPerYear,
        });
    }
}
