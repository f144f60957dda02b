using ClusterSim.Core.Metrics;
using ClusterSim.Experiments.Files;

namespace ClusterSim.Experiments.Running;

/// <summary>The outcome of one sweep point: its replications and their summary.</summary>
public sealed record PointResult(ExperimentPoint Point, double ArrivalRate, double SaturationRate, IReadOnlyList<ISimulationResult> Replications, IReadOnlyList<MetricSummary> Metrics)
{
    /// <summary>The summary of the named metric.</summary>
    public MetricSummary Metric(string name) => Metrics.First(m => m.Name == name);
}
