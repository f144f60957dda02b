using ClusterSim.Core.Catalog;
using ClusterSim.Experiments.Replay;
using ClusterSim.Tests;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>
/// A published vLLM benchmark on one A40 (data/published/a40-vllm-runs.csv): six 7B–14B models in 16 bits, 50 requests of
/// 100 prompt tokens sent at once, each asking for 600 and stopped at EOS. The card runs on the generic row; every row is
/// held out. An all-at-once run's output throughput is its tokens over the time its longest answer took, so how the
/// answers spread sets it as much as the step times do.
/// </summary>
public class A40ReplayTests
{
    private static readonly IReadOnlyList<MeasuredRun> Runs = MeasuredRunFile.Read(Path.Combine(RepositoryRoot.Path, "data", "published", "a40-vllm-runs.csv"));

    private static readonly ReplayReport Report = ReplayReport.Run(Runs, SimCatalog.Default);

    [Fact]
    public void The_A40_replays_on_the_generic_row_with_answers_stopped_at_EOS_and_says_it_is_uncalibrated()
    {
        Assert.Equal(6, Report.Outcomes.Count);
        Assert.All(Report.Outcomes, o =>
        {
            Assert.Equal("generic/bf16", o.Case.Calibration.Name);
            Assert.Contains("uncalibrated", o.Case.CalibrationWarning, StringComparison.Ordinal);
            Assert.IsType<RequestLengths.StoppedAtEos>(o.Case.Lengths);
        });
    }

    [Fact]
    public void Answers_stopped_at_EOS_end_the_run_when_its_longest_does_and_every_rows_throughput_comes_closer()
    {
        // Every answer its run's mean long ends the run too early: 46 to 106 % fast on 7 December 2026; stopped at EOS,
        // some answers run to the 600 asked and the run lasts as long as the measured one did, 9 to 92 % fast (median 28 %).
        ReplayReport fixedMeans = ReplayReport.Run([.. Runs.Select(r => r with { Lengths = null })], SimCatalog.Default);
        foreach (ReplayOutcome eos in Report.Outcomes)
        {
            ReplayOutcome alike = fixedMeans.Outcomes.Single(o => o.Row.Experiment == eos.Row.Experiment);
            Assert.True(Math.Abs(eos.ThroughputError) < Math.Abs(alike.ThroughputError) - 0.05,
                $"{eos.Row.Experiment}: {eos.ThroughputError:P1} stopped at EOS against {alike.ThroughputError:P1} all alike");
        }

        // A named miss: the generic factors run the A40 fast on every row (Gemma 3 most, 92 %).
        Assert.All(Report.Outcomes, o => Assert.InRange(o.ThroughputError, 0, 1.0));
        double[] errors = [.. Report.Outcomes.Select(o => o.ThroughputError).Order()];
        Assert.InRange((errors[2] + errors[3]) / 2, 0, 0.35);
    }
}
