using System.Globalization;
using System.Text;
using ClusterSim.Core.Catalog;
using ClusterSim.Experiments.Replay;
using ClusterSim.Tests;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>
/// Measured-runs files written from a seed with well-formed rows: a model by its Hugging Face name on any catalog GPU,
/// any engine, release, precision, parallelism (expert and data parallel too), limits, sampling, prefix caching, length
/// ranges and every way of sending (constant, Poisson, gamma, a closed loop, all at once), with measured figures. Each row
/// is replayed or skipped with a reason, never lost and never a crash; a file that cannot be read says where; what is
/// simulated is finite and not negative. (<see cref="MeasuredRunFuzzTests"/> damages text; this one combines valid values.)
/// <c>CLUSTERSIM_SOAK=N</c> adds N more seeds.
/// </summary>
public class MeasuredRunSoakTests
{
    public static TheoryData<int> Seeds() => Files.FileSoak.Seeds(30);

    [Fact]
    public void Many_drawn_rows_are_replayed()
    {
        // The soak is worth the rows it replays: a generator whose rows are all skipped tests only the skipping.
        int replayed = 0, rows = 0;
        for (int seed = 1; seed <= 30; seed++)
        {
            replayed += ReplaySoak.Replayed(() => MeasuredRunFile.Parse(new StringReader(File(seed, rows: 4)), $"soak-{seed}.csv"));
            rows += 4;
        }

        Assert.InRange(replayed, rows * 2 / 5, rows - 1);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Every_row_is_replayed_or_skipped_with_a_reason(int seed)
    {
        string text = File(seed, rows: 4);
        if (ReplaySoak.Read(() => MeasuredRunFile.Parse(new StringReader(text), $"soak-{seed}.csv"), $"soak-{seed}.csv") is { } runs)
        {
            ReplaySoak.Check(runs, $"soak-{seed}.csv", text);
        }
    }

    /// <summary>A measured-runs CSV of <paramref name="rows"/> rows drawn from <paramref name="seed"/>.</summary>
    internal static string File(int seed, int rows) => RandomMeasuredRuns.File(seed, rows);
}
