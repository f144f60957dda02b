using System.Globalization;
using ClusterSim.Core.Metrics;
using ClusterSim.Experiments.Files;

namespace ClusterSim.Experiments.Results;

/// <summary>
/// The sentences printed under a run's summary and listed in its report: the study's own (a crossover's date, each
/// class's latency, a payback), then, under sequential replications, how many each point ran and which points the
/// most allowed left wider than asked.
/// </summary>
public static class ExperimentFindings
{
    /// <summary>Points named one by one before the rest are counted.</summary>
    private const int Named = 5;

    public static IEnumerable<string> Of(Experiment experiment, IReadOnlyList<PointResult> results)
    {
        if (results.Count == 0)
        {
            return [];
        }

        return results[0].Point.Study.Findings(results).Concat(Replications(experiment, results)).Concat(Warmups(results)).Concat(Paired(experiment, results));
    }

    /// <summary>
    /// With <c>sweep.baseline</c>, each other point against it on the study's sweep metrics: the mean of the differences
    /// replication by replication and their 95 % interval. Replication r of every point runs on the same seed, so the
    /// points share their random draws (common random numbers): where two points' figures move together from seed to
    /// seed, their difference is known far more tightly than the two intervals beside each other suggest.
    /// </summary>
    private static IEnumerable<string> Paired(Experiment experiment, IReadOnlyList<PointResult> results)
    {
        if (experiment.Baseline is not { } index || results.FirstOrDefault(r => r.Point.Index == index) is not { } baseline || results.Count < 2)
        {
            yield break;
        }

        IReadOnlyList<string> metrics = baseline.Point.Study.SweepMetrics(results);
        var others = results.Where(r => r != baseline).ToList();
        foreach (PointResult point in others.Take(Compared))
        {
            int pairs = Math.Min(point.Replications.Count, baseline.Replications.Count);
            IEnumerable<string> differences = metrics.Select(metric =>
            {
                double[] d = [.. Enumerable.Range(0, pairs).Select(r => point.Replications[r].Scalar(metric) - baseline.Replications[r].Scalar(metric))];
                MetricSummary m = Statistics.Summarise(metric, d);
                string unit = MetricCatalog.Find(metric)?.Unit ?? string.Empty;
                double scale = unit == "share" ? 100 : 1;
                string shown = unit == "share" ? "points" : unit;
                string name = MetricCatalog.Readable(metric);
                name = name.EndsWith($" ({unit})", StringComparison.Ordinal) ? name[..^(unit.Length + 3)] : name;   // the unit follows the figure
                return string.Create(CultureInfo.InvariantCulture, $"{name} {m.Mean * scale:+0.###;-0.###;0} ± {m.HalfWidth95 * scale:0.###} {shown}").TrimEnd();
            });
            yield return string.Create(CultureInfo.InvariantCulture,
                $"{point.Point.Label} against {baseline.Point.Label}: {string.Join("; ", differences)} (paired over {pairs} replication(s) with common random numbers).");
        }

        if (others.Count > Compared)
        {
            yield return $"{others.Count - Compared} more point(s) against {baseline.Point.Label} are in summary.csv's intervals, not paired here.";
        }
    }

    /// <summary>Points compared with the baseline one by one in the findings.</summary>
    private const int Compared = 12;

    /// <summary>With <c>warmup_s: auto</c>, the starts MSER-5 left out, over every replication.</summary>
    private static IEnumerable<string> Warmups(IReadOnlyList<PointResult> results)
    {
        double[] all = [.. results.SelectMany(r => r.Replications).SelectMany(r => r.Scalars()).Where(s => s.Name == "warmup_s").Select(s => s.Value)];
        double[] chosen = [.. all.Where(double.IsFinite)];
        if (chosen.Length > 0)
        {
            yield return string.Create(CultureInfo.InvariantCulture,
                $"Warm-up left out, chosen by MSER-5 for each replication: {chosen.Min():0.#} to {chosen.Max():0.#} s (median {chosen.Order().ElementAt(chosen.Length / 2):0.#} s).");
        }

        if (all.Length > chosen.Length)
        {
            yield return string.Create(CultureInfo.InvariantCulture,
                $"{all.Length - chosen.Length} replication(s) ran too briefly for MSER-5 to judge (fewer than {Mser.Batch * Mser.MinBatches} samples of the requests in the system): nothing was left out of them; give warmup_s in seconds or run more requests.");
        }
    }

    private static IEnumerable<string> Replications(Experiment experiment, IReadOnlyList<PointResult> results)
    {
        if (experiment.Until is not { } until)
        {
            yield break;
        }

        int[] counts = [.. results.Select(r => r.Replications.Count)];
        yield return string.Create(CultureInfo.InvariantCulture,
            $"Replications {until.Condition}: {counts.Min()} to {counts.Max()} a point (mean {counts.Average():0.#}, {counts.Sum()} runs).");

        var wide = results.Where(r => !until.Narrow(r.Metric(until.Metric))).ToList();
        foreach (PointResult r in wide.Take(Named))
        {
            MetricSummary m = r.Metric(until.Metric);
            string share = m.Mean != 0 ? string.Create(CultureInfo.InvariantCulture, $" (±{100 * m.HalfWidth95 / Math.Abs(m.Mean):0.#} %)") : string.Empty;
            yield return string.Create(CultureInfo.InvariantCulture,
                $"Point {r.Point.Label}: {r.Replications.Count} replications, the most allowed, leave {until.Metric} at {m.Mean:G4} ± {m.HalfWidth95:G3}{share}, wider than asked; raise replications.max or the half-width.");
        }

        if (wide.Count > Named)
        {
            yield return $"{wide.Count - Named} more point(s) ended at the most replications allowed without reaching ±{until.RelativeHalfWidth * 100:0.###} %.";
        }
    }
}
