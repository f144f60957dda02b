using ClusterSim.Experiments.Files;

namespace ClusterSim.Experiments.Results;

/// <summary>The outcome of one sweep point: its replications and their summary.</summary>
public sealed record PointResult(ExperimentPoint Point, double ArrivalRate, double SaturationRate, IReadOnlyList<RecordedResult> Replications, IReadOnlyList<MetricSummary> Metrics)
{
    /// <summary>A point's result with every scalar summarised over its replications (mean and 95 % interval).</summary>
    public static PointResult Of(ExperimentPoint point, double arrivalRate, double saturationRate, IReadOnlyList<RecordedResult> replications)
    {
        // Replications are joined by metric name; they run one configuration, so their names must agree.
        var scalars = replications.Select(r => r.Scalars().ToDictionary(s => s.Name, s => s.Value, StringComparer.Ordinal)).ToList();
        var names = replications[0].Scalars().Select(s => s.Name).ToList();
        for (int r = 1; r < scalars.Count; r++)
        {
            if (scalars[r].Count != names.Count || names.Any(n => !scalars[r].ContainsKey(n)))
            {
                throw new InvalidOperationException(
                    $"point {point.Index}: replication {r} reports metrics [{string.Join(", ", scalars[r].Keys.Except(names))}] and lacks [{string.Join(", ", names.Except(scalars[r].Keys))}] of replication 0; replications of one point must report the same metrics");
            }
        }

        var summaries = names.Select(n => Statistics.Summarise(n, scalars.Select(r => r[n]))).ToList();
        return new PointResult(point, arrivalRate, saturationRate, replications, summaries);
    }

    /// <summary>The summary of the named metric.</summary>
    public MetricSummary Metric(string name) => Metrics.First(m => m.Name == name);
}
