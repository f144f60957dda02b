using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;

namespace ClusterSim.Experiments.Replay;

/// <summary>
/// Every measured row replayed through the simulator, with the median absolute errors the README reports: over all
/// scored rows, and over those whose every input was published.
/// </summary>
public sealed record ReplayReport(IReadOnlyList<ReplayOutcome> Outcomes, IReadOnlyList<(string Experiment, string Reason)> Skipped)
{
    /// <summary>Replays every case of <paramref name="runs"/>; <paramref name="factors"/> maps a case to the factors to use (its calibration when null).</summary>
    public static ReplayReport Run(IReadOnlyList<MeasuredRun> runs, SimCatalog catalog, Func<ReplayCase, EfficiencyFactors?>? factors = null, double maxStageSeconds = double.PositiveInfinity)
    {
        var (cases, skipped) = ReplayCase.Build(runs, catalog);
        return Run(cases, skipped, factors, maxStageSeconds);
    }

    /// <summary>Replays the given cases, one per core at most; the outcomes keep the cases' order.</summary>
    public static ReplayReport Run(IReadOnlyList<ReplayCase> cases, IReadOnlyList<(string, string)> skipped, Func<ReplayCase, EfficiencyFactors?>? factors = null, double maxStageSeconds = double.PositiveInfinity)
    {
        var results = new IReadOnlyList<(MeasuredRun Row, SimulatedStage Simulated)>[cases.Count];
        // Bounded: Parallel.For unbounded keeps taking thread-pool threads while cases remain, and other work queued on the
        // pool (a caller's own runs) waits behind it.
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount };
        Parallel.For(0, cases.Count, parallel, i => results[i] = ReplayRunner.Run(cases[i], factors?.Invoke(cases[i]), maxStageSeconds));
        var outcomes = new List<ReplayOutcome>();
        for (int i = 0; i < cases.Count; i++)
        {
            outcomes.AddRange(results[i].Select(r => new ReplayOutcome(cases[i], r.Row, r.Simulated)));
        }

        return new ReplayReport(outcomes, skipped);
    }

    /// <summary>The rows the headline errors are taken over.</summary>
    public IEnumerable<ReplayOutcome> Scored => Outcomes.Where(o => o.Scored);

    /// <summary>Median absolute relative error of a metric over <paramref name="rows"/> (NaN when none has it).</summary>
    public static double MedianAbsolute(IEnumerable<ReplayOutcome> rows, Func<ReplayOutcome, double> error)
    {
        double[] values = rows.Select(error).Where(double.IsFinite).Select(Math.Abs).Order().ToArray();
        if (values.Length == 0)
        {
            return double.NaN;
        }

        int mid = values.Length / 2;
        return values.Length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }
}
