using System.Globalization;
using ClusterSim.Core.Catalog;
using ClusterSim.Experiments.Results;

namespace ClusterSim.Experiments.Files;

/// <summary>
/// Sequential replications: after the experiment's minimum, a point runs one replication more at a time until the 95 %
/// interval of <see cref="Metric"/> over its replications is within ±<see cref="RelativeHalfWidth"/> of the mean, or
/// <see cref="Max"/> have run. The count depends only on the replications' results in order (each has its own seed), so
/// it is the same for any number of workers, shard or resume.
/// </summary>
/// <param name="Max">The most replications a point runs.</param>
/// <param name="Metric">The scalar whose interval is narrowed (a key of the metric catalog).</param>
/// <param name="RelativeHalfWidth">The widest half-width accepted, as a share of the mean's magnitude.</param>
/// <param name="At">Where <c>metric</c> is in the file, for an error about a metric the runs do not report.</param>
public sealed record ReplicationTarget(int Max, string Metric, double RelativeHalfWidth, ExperimentProblem? At = null)
{
    /// <summary>
    /// How many of the first <paramref name="results"/> (a prefix of the replications, in order) the point keeps: the
    /// smallest count from <paramref name="min"/> whose interval is narrow enough, <see cref="Max"/> when none is, or null
    /// when the prefix is too short to tell yet.
    /// </summary>
    public int? StopAt(IReadOnlyList<RecordedResult> results, int min)
    {
        var values = new List<double>(results.Count);
        foreach (RecordedResult result in results)
        {
            values.Add(ValueOf(result));
            if (values.Count >= min && (Narrow(values) || values.Count >= Max))
            {
                return values.Count;
            }
        }

        return null;
    }

    /// <summary>
    /// True when <paramref name="values"/> pin the mean down: the 95 % half-width within the share of the mean asked for,
    /// or no finite value at all (nothing more replications could narrow).
    /// </summary>
    public bool Narrow(IReadOnlyList<double> values) => Narrow(Statistics.Summarise(Metric, values));

    /// <summary>As <see cref="Narrow(IReadOnlyList{double})"/>, for the metric's summary over a point's replications.</summary>
    public bool Narrow(MetricSummary summary) =>
        summary.Samples == 0 || (summary.Samples >= 2 && summary.HalfWidth95 <= RelativeHalfWidth * Math.Abs(summary.Mean));

    /// <summary>The metric's value in <paramref name="result"/>.</summary>
    /// <exception cref="InvalidDataException">The run does not report the metric: it is named with where the file asks for it and what the run reports.</exception>
    public double ValueOf(RecordedResult result)
    {
        if (result.Scalars().Any(s => s.Name == Metric))
        {
            return result.Scalar(Metric);
        }

        IReadOnlyList<string> reported = [.. result.Scalars().Select(s => s.Name)];
        string message = $"this experiment's runs do not report '{Metric}'{ClosestName.Hint(Metric, reported)}; they report {string.Join(", ", reported)}";
        throw new InvalidDataException(At is { } at ? (at with { Message = message }).ToString() : $"replications.metric: {message}");
    }

    /// <summary>How the rule reads in a caption: "until ttft_p99_s is within ±5 %".</summary>
    public string Condition => string.Create(CultureInfo.InvariantCulture, $"until {Metric} is within ±{RelativeHalfWidth * 100:0.###} %");
}
