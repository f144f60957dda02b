using ClusterSim.Core.Catalog;
using ClusterSim.Experiments.Calibration;
using ClusterSim.Experiments.Replay;
using ClusterSim.Tests;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>
/// GPUStack's all-at-once vLLM 0.11 runs of Qwen3-14B and Qwen3-32B on one A100 or H100
/// (data/published/gpustack-vllm-runs.csv), held out: nothing is fitted on them.
/// </summary>
public class GpuStackReplayTests
{
    private static readonly IReadOnlyList<MeasuredRun> Runs =
        MeasuredRunFile.Read(Path.Combine(RepositoryRoot.Path, "data", "published", "gpustack-vllm-runs.csv"));

    private static readonly ReplayReport Report = ReplayReport.Run(Runs, SimCatalog.Default);

    [Fact]
    public void All_at_once_runs_keep_vLLM_benchs_six_hour_client_timeout()
    {
        var (cases, _) = ReplayCase.Build(Runs, SimCatalog.Default);

        Assert.All(cases, c => Assert.Equal(6 * 3600, c.ClientTimeoutSeconds));
        Assert.All(Report.Outcomes, o => Assert.Equal(0, o.Simulated.TimedOut));
    }

    [Fact]
    public void A_timeout_column_overrides_the_load_generators_own()
    {
        MeasuredRun row = Runs[0] with { ClientTimeoutSeconds = 120 };
        var (cases, _) = ReplayCase.Build([row], SimCatalog.Default);

        Assert.Equal(120, Assert.Single(cases).ClientTimeoutSeconds);
    }

    /// <summary>
    /// Qwen3-32B leaves one H100 4.9 GiB of KV cache under vLLM's start-up profile at its H100 limits: fewer tokens than
    /// one 32,000-token prompt, so that run is skipped with the reason rather than simulated without completions.
    /// </summary>
    [Fact]
    public void A_sequence_longer_than_the_KV_cache_is_skipped_with_the_reason()
    {
        var (experiment, reason) = Assert.Single(Report.Skipped);

        Assert.Equal("gs-q32-h100-32k", experiment);
        Assert.Contains("does not fit the KV cache", reason);
        Assert.Contains("vLLM's start-up profile (vLLM of January 2026", reason);   // the row's 0.11.0 picks it
    }

    /// <summary>
    /// Qwen3-32B on one A100 is bound by its KV cache (a few sequences at a time, each step streaming the weights): the
    /// regime the memory profile and the weight-streaming fraction decide. TTFT (the queue a 500-request burst waits in)
    /// and ITL within 12 %. The 32,000-token run's TTFT within 13 % (+12.4 % since the A100's memory factors took its
    /// measured share of its bandwidth on 5 December 2026, +11.1 % before); its ITL is 29 % short (one long sequence
    /// decoding beside the next prompt's chunks), as docs/calibration.md says.
    /// </summary>
    [Theory]
    [InlineData("gs-q32-a100-4k", true, 0.12)]
    [InlineData("gs-q32-a100-2k", true, 0.12)]
    [InlineData("gs-q32-a100-32k", false, 0.13)]
    public void KV_bound_A100_runs_are_within_12_percent(string experiment, bool itl, double ttftBound)
    {
        ReplayOutcome o = Report.Outcomes.Single(x => x.Row.Experiment == experiment);

        Assert.InRange(o.TtftError, -ttftBound, ttftBound);
        if (itl)
        {
            Assert.InRange(o.ItlError, -0.12, 0.12);
        }
    }

    /// <summary>
    /// Qwen3-235B-A22B at TP 8 on eight A100 and eight H100: the grouped expert GEMMs over 192-wide expert slices decide
    /// the prefill. In-sample: the shipped expert half width (428) is the mean of the calibrator's fits on these runs.
    /// </summary>
    [Theory]
    [InlineData("gs-q235-a100-32k")]
    [InlineData("gs-q235-a100-4k")]
    [InlineData("gs-q235-a100-2k")]
    [InlineData("gs-q235-h100-32k")]
    [InlineData("gs-q235-h100-4k")]
    [InlineData("gs-q235-h100-2k")]
    public void MoE_runs_at_TP_8_are_within_20_percent(string experiment)
    {
        ReplayOutcome o = Report.Outcomes.Single(x => x.Row.Experiment == experiment);

        Assert.InRange(o.TtftError, -0.20, 0.20);
        Assert.InRange(o.ItlError, -0.20, 0.20);
    }

    [Fact]
    public void MoE_runs_at_TP_8_are_within_10_percent_in_the_median()
    {
        var rows = Report.Outcomes.Where(o => o.Row.Experiment.StartsWith("gs-q235-", StringComparison.Ordinal) && !o.Row.Experiment.EndsWith("-128", StringComparison.Ordinal)).ToList();

        Assert.Equal(6, rows.Count);
        Assert.InRange(ReplayReport.MedianAbsolute(rows, o => o.TtftError), 0, 0.10);
        Assert.InRange(ReplayReport.MedianAbsolute(rows, o => o.ItlError), 0, 0.10);
    }

    /// <summary>
    /// Held out for the expert half width, and on the A100 for the expert-dequantising factor: the same model in FP8 at TP 4
    /// (384-wide slices; FP8 widened to 16 bits in the A100's kernels). With both terms the median TTFT error is 12 %
    /// (−25 to +20 % each); with the width term alone it was 18 % (the A100 runs −9 to −31 %), with neither 41 %.
    /// </summary>
    [Fact]
    public void FP8_MoE_runs_at_TP_4_are_within_25_percent_in_the_median()
    {
        var rows = Report.Outcomes.Where(o => o.Row.Experiment.StartsWith("gs-q235fp8-", StringComparison.Ordinal)).ToList();

        Assert.Equal(6, rows.Count);
        Assert.InRange(ReplayReport.MedianAbsolute(rows, o => o.TtftError), 0, 0.15);
        Assert.All(rows, o => Assert.InRange(o.TtftError, -0.30, 0.25));
    }

    /// <summary>
    /// The expert-dequantising factor, fitted on gpt-oss-20b's 2,000- and 4,000-token runs alone (MXFP4 experts widened to
    /// 16 bits inside the grouped GEMMs: 0.311 of the 16-bit expert GEMMs' efficiency on the H100, 0.581 on the A100). The calibrator gives the shipped
    /// values back within 3 %, and the held-out 32,000-token H100 run (attention a larger share) lands within 15 %, where
    /// timing the widened GEMMs as 16-bit ones put it 48 % short.
    /// </summary>
    [Theory]
    [InlineData("h100", 0.311)]
    [InlineData("a100", 0.581)]
    public void The_calibrator_reproduces_the_shipped_expert_dequantising_factor(string accelerator, double shipped)
    {
        var runs = Runs.Where(r => r.Experiment is var id && (id == $"gs-goss20-{accelerator}-2k" || id == $"gs-goss20-{accelerator}-4k")).ToList();
        var (cases, _) = ReplayCase.Build(runs, SimCatalog.Default);
        FitParameter dequant = FitParameter.Parse("expert_dequant_efficiency").Single();

        Assert.Equal(2, cases.Count);
        CalibrationFit fit = Calibrator.Fit(cases, cases[0].Calibration.Factors with { DequantExpert = 1 }, [dequant]);

        Assert.InRange(fit.Factors.DequantExpert, shipped * 0.97, shipped * 1.03);
        var heldOut = Report.Outcomes.Single(o => o.Row.Experiment == "gs-goss20-h100-32k");
        Assert.InRange(heldOut.TtftError, -0.15, 0.15);
    }

    /// <summary>
    /// The calibrator fits all-at-once runs (their queue drains at the rate the steps set), and on the 16-bit Qwen3-235B
    /// runs it gives the expert half width the catalog ships within 12 % on each accelerator: 386 on the H100, 470 on the
    /// A100, their mean (428) shipped. Before the experts' combine was timed (4 December 2026) the fits were 514 and 530:
    /// the combine's traffic was part of what the width term stood for.
    /// </summary>
    [Theory]
    [InlineData("h100")]
    [InlineData("a100")]
    public void The_calibrator_reproduces_the_shipped_expert_half_width(string accelerator)
    {
        var runs = Runs.Where(r => r.Experiment.StartsWith($"gs-q235-{accelerator}-", StringComparison.Ordinal) && !r.Experiment.EndsWith("-128", StringComparison.Ordinal)).ToList();
        var (cases, _) = ReplayCase.Build(runs, SimCatalog.Default);
        FitParameter halfWidth = FitParameter.Parse("expert_half_width").Single();

        Assert.All(cases, c => Assert.Single(c.FitRows));
        CalibrationFit fit = Calibrator.Fit(cases, cases[0].Calibration.Factors with { ExpertHalfWidth = 256 }, [halfWidth]);

        Assert.InRange(fit.Factors.ExpertHalfWidth, 428 * 0.88, 428 * 1.12);
    }

    [Fact]
    public void An_unreadable_vLLM_release_skips_the_run_with_the_reason()
    {
        MeasuredRun row = Runs.First(r => r.Experiment == "gs-q32-a100-4k");
        var (cases, skipped) = ReplayCase.Build([row with { EngineVersion = "latest" }, row with { Experiment = "trt", Engine = "tensorrt-llm", EngineVersion = "trt-1" }], SimCatalog.Default);

        var (experiment, reason) = Assert.Single(skipped);
        Assert.Equal("gs-q32-a100-4k", experiment);
        Assert.Contains("engine version 'latest'", reason);
        Assert.Equal("trt", Assert.Single(cases).Experiment);   // another engine's release is not read
    }

    /// <summary>
    /// The named gaps, held where they are so a change that closes or widens one shows: Qwen3-14B's prefill-heavy runs
    /// are a quarter short on the lab's A100 and half short on its single H100 (a power- or clock-limited card, docs/calibration.md
    /// argues), and DeepSeek-R1's on eight H200 about a third (MLA's prefill and FP8 block-scaled GEMMs, not modelled
    /// apart).
    /// </summary>
    [Theory]
    [InlineData("gs-q14-a100-4k", -0.40, -0.15)]
    [InlineData("gs-q14-a100-2k", -0.40, -0.15)]
    [InlineData("gs-q14-h100-4k", -0.65, -0.35)]
    [InlineData("gs-q14-h100-2k", -0.65, -0.35)]
    [InlineData("gs-dsr1-h200-4k", -0.45, -0.20)]
    [InlineData("gs-dsr1-h200-2k", -0.55, -0.30)]
    public void Named_gaps_stay_where_the_calibration_notes_put_them(string experiment, double low, double high)
    {
        ReplayOutcome o = Report.Outcomes.Single(x => x.Row.Experiment == experiment);

        Assert.InRange(o.TtftError, low, high);
    }
}
