using ClusterSim.Core.Catalog;
using ClusterSim.Experiments.Replay;
using ClusterSim.Tests;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>
/// A measured vLLM run on four B200 (data/published/b200-vllm-runs.csv, vllm-project/vllm#43232, May 2026: Qwen3-235B-A22B
/// in FP8 with an FP8 KV cache, 64 users, 30,000-token prompts): no B200 vLLM calibration exists, so it replays on the
/// generic rows (H100's fractions of B200's peaks) with a warning. Held out; pinned here (docs/calibration.md, "B200 under vLLM") so a
/// B200 calibration, when one is fitted, has to keep or improve it.
/// </summary>
public class B200VllmReplayTests
{
    private static readonly ReplayReport Report = ReplayReport.Run(
        MeasuredRunFile.Read(Path.Combine(RepositoryRoot.Path, "data", "published", "b200-vllm-runs.csv")), SimCatalog.Default);

    [Fact]
    public void A_B200_vLLM_run_replays_on_the_generic_rows_within_ten_percent()
    {
        ReplayOutcome outcome = Assert.Single(Report.Outcomes);
        Assert.Equal("generic/fp8", outcome.Case.Calibration.Name);
        Assert.Contains("calibration 'blackwell-vllm' has no fp8 row", outcome.Case.CalibrationWarning, StringComparison.Ordinal);

        // Measured on 2 December 2026: TPOT 55.0 against 58.3 ms (-5.7 %), E2E -8.8 %, output 934 against 854 tokens/s (+9.4 %).
        Assert.InRange(outcome.ItlError, -0.10, 0.05);
        Assert.InRange(outcome.E2eError, -0.12, 0.05);
        Assert.InRange(outcome.ThroughputError, -0.05, 0.12);

        // The first wave of 64 prompts (1.9 M tokens) sets the TTFT tail: -17 % at p99, a prefill some fifth faster than measured.
        Assert.InRange(outcome.TtftP99Error, -0.25, 0);
    }
}
