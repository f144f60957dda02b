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

    /// <summary>What this point runs, as its sections decide.</summary>
    public Study Study => Study.Of(this);
}
