using ClusterSim.Core.Catalog;
using ClusterSim.Experiments.Replay;
using ClusterSim.Tests;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>
/// A measured vLLM sweep on one GeForce RTX 4090 (data/published/rtx4090-vllm-runs.csv): Mistral 7B v0.3 in BF16, 300
/// prompts of 256 tokens under client caps of 4 to 48 requests in flight. The card's catalog row (its tensor rates with FP32
/// accumulation, GDDR6X bandwidth) and the generic factors it runs on were written before these runs were read: every row
/// is held out.
/// </summary>
public class GeForceReplayTests
{
    private static readonly ReplayReport Report = ReplayReport.Run(
        MeasuredRunFile.Read(Path.Combine(RepositoryRoot.Path, "data", "published", "rtx4090-vllm-runs.csv")), SimCatalog.Default);

    private static ReplayOutcome Run(int users) => Report.Outcomes.Single(o => o.Row.Experiment == $"mr-4090-mistral7b-256-c{users}");

    [Fact]
    public void The_RTX_4090_replays_on_its_own_row_whose_one_card_factors_are_the_generic_rows()
    {
        // The card's row fits one term, a collective's cost through host memory (data/published/iog-vllm-0.8.5), which
        // one card never pays; every factor a one-card step uses is the generic row's, so these rows hold those out.
        Assert.Equal(5, Report.Outcomes.Count);
        Assert.True(SimCatalog.Default.Calibrations.TryGet("generic", Core.Catalog.Precision.BF16, out var generic));
        Assert.All(Report.Outcomes, o =>
        {
            Assert.Equal("RTX-4090/bf16", o.Case.Calibration.Name);
            Assert.Equal(generic.Factors with { CollectiveLaunchSeconds = o.Case.Calibration.Factors.CollectiveLaunchSeconds }, o.Case.Calibration.Factors);
        });
    }

    [Fact]
    public void Held_out_output_throughput_lands_within_eight_percent_at_every_cap()
    {
        // Measured on 7 December 2026: -5.9, -3.4, +0.1, +3.2 and +3.5 % at 4, 8, 16, 32 and 48 users (median 3.4 %).
        foreach (int users in new[] { 4, 8, 16, 32, 48 })
        {
            Assert.InRange(Run(users).ThroughputError, -0.08, 0.08);
        }

    }

    [Fact]
    public void The_first_wave_of_prompts_measures_the_cards_prefill_rate()
    {
        // Every user sends at once, so the slowest first token (the p99 of 300) waits for all of the cap's prompts to be
        // prefilled: 48 x 256 tokens of a 7.2B model are 178 TFLOP, 1.47 s at 0.736 of the 165 TFLOPS a GeForce card's
        // BF16 tensor cores reach with FP32 accumulation (measured 1.48 s). The card's FP16-accumulate rate, twice that,
        // would halve it. Measured on 7 December 2026: -0.1, +2.7, +1.7, +7.6 and +1.6 %.
        foreach (int users in new[] { 4, 8, 16, 32, 48 })
        {
            Assert.InRange(Run(users).TtftP99Error, -0.12, 0.12);
        }
    }
}
