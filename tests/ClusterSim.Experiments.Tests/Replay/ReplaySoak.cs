using ClusterSim.Core.Catalog;
using ClusterSim.Experiments.Replay;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>
/// What the replay soaks share: how many of a file's runs replay (a soak whose runs are all skipped tests only the
/// skipping), how a file is read or refused at a line, and the contract for one file's runs — each replayed or skipped with a reason, or refused with the file's
/// name, and what is simulated finite and not negative.
/// </summary>
internal static class ReplaySoak
{
    /// <summary>The runs <paramref name="read"/> reads from the file <paramref name="source"/>, or null when it refuses them at a line of it.</summary>
    public static IReadOnlyList<MeasuredRun>? Read(Func<IReadOnlyList<MeasuredRun>> read, string source)
    {
        try
        {
            return read();
        }
        catch (CatalogException e)
        {
            Assert.StartsWith($"{source}:", e.Message, StringComparison.Ordinal);   // refused with its file and line
            return null;
        }
    }

    /// <summary>How many of the runs <paramref name="read"/> reads replay (none when it refuses them).</summary>
    public static int Replayed(Func<IReadOnlyList<MeasuredRun>> read)
    {
        try
        {
            return ReplayReport.Run(read(), SimCatalog.Default, maxStageSeconds: 60).Outcomes.Select(o => o.Row.Experiment).Distinct().Count();
        }
        catch (CatalogException)
        {
            return 0;
        }
    }

    /// <summary>Replays <paramref name="runs"/>, read from <paramref name="text"/> in the file <paramref name="source"/>, and holds them to the contract.</summary>
    public static void Check(IReadOnlyList<MeasuredRun> runs, string source, string text)
    {
        ReplayReport report;
        try
        {
            report = ReplayReport.Run(runs, SimCatalog.Default, maxStageSeconds: 60);
        }
        catch (CatalogException e)
        {
            Assert.StartsWith(source, e.Message, StringComparison.Ordinal);   // refused with its file (and line)
            return;
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException($"{e.GetType().Name}: {e.Message}\n{e.StackTrace}\n{text}");
        }

        var seen = report.Outcomes.Select(o => o.Row.Experiment).Concat(report.Skipped.Select(s => s.Experiment)).ToHashSet();
        Assert.All(runs, run => Assert.True(seen.Contains(run.Experiment), $"{run.Experiment} was neither replayed nor skipped\n{text}"));
        Assert.All(report.Skipped, s => Assert.False(string.IsNullOrWhiteSpace(s.Reason)));
        foreach (ReplayOutcome o in report.Outcomes)
        {
            foreach ((string name, double value) in new[] { ("ttft", o.Simulated.TtftMs), ("itl", o.Simulated.ItlMs), ("e2e", o.Simulated.E2eMs), ("throughput", o.Simulated.OutputTokensPerSecond) })
            {
                Assert.True(double.IsNaN(value) || (double.IsFinite(value) && value >= 0), $"{o.Row.Experiment}: simulated {name} {value}\n{text}");
            }
        }
    }
}
