using ClusterSim.Experiments.Files;

namespace ClusterSim.Experiments.Running;

/// <summary>The outcome of one sweep point: its replications and their summary.</summary>
public sealed record PointResult(ExperimentPoint Point, double ArrivalRate, double SaturationRate, IReadOnlyList<RecordedResult> Replications, IReadOnlyList<MetricSummary> Metrics)
{
    /// <summary>A point's result with every scalar summarised over its replications (mean and 95 % interval).</summary>
    public static PointResult Of(ExperimentPoint point, double arrivalRate, double saturationRate, IReadOnlyList<RecordedResult> replications)
    {
        var scalars = replications.Select(r => r.Scalars()).ToList();
        var summaries = scalars[0].Select((s, k) => Statistics.Summarise(s.Name, scalars.Select(r => r[k].Value))).ToList();
        return new PointResult(point, arrivalRate, saturationRate, replications, summaries);
    }

    /// <summary>The summary of the named metric.</summary>
    public MetricSummary Metric(string name) => Metrics.First(m => m.Name == name);
}
