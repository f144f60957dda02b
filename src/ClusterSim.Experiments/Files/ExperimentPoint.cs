using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.Routing;
using ClusterSim.Core.Inference.Workload;

namespace ClusterSim.Experiments.Files;

/// <summary>One point of an experiment's sweep, fully resolved: everything needed to run its replications.</summary>
public sealed record ExperimentPoint
{
    public int Index { get; init; }

    /// <summary>Swept parameter values of this point (path → value), in sweep order.</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Parameters { get; init; }
    public required IReadOnlyList<ReplicaGroup> Replicas { get; init; }
    public RouterKind Router { get; init; }
    public required ArrivalSpec Arrival { get; init; }
    public required LengthSpec Prompt { get; init; }
    public required LengthSpec Output { get; init; }
    public IReadOnlyList<TraceRecord>? Trace { get; init; }
    public long Requests { get; init; }
    public double HorizonSeconds { get; init; }
    public double WarmupSeconds { get; init; }
    public required ServiceLevelObjective Slo { get; init; }
    public double SeriesIntervalSeconds { get; init; }
}
