using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;
using ClusterSim.Experiments.Replay;
using ClusterSim.Tests;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>
/// InferenceX's DeepSeek-R1-0528 FP8 and FP4 runs on one node (data/published/inferencex-dsr1-runs.csv): SGLang on H200, B200,
/// B300 (HGX, its own catalog row since 6 December 2026), MI300X, MI325X and MI355X and TensorRT-LLM on H200 and B200, TP 4 and 8 with experts sliced
/// or on EP ranks, closed loops of 1 to 128 users with lengths drawn uniformly on [0.8 L, L]. Only cdna3-sglang/fp8 is fitted
/// on ten of them (MI300X under SGLang 0.5.12); every other row is held out, and the bounds below are what the shipped
/// calibrations give (docs/calibration.md, "InferenceX").
/// </summary>
public class InferenceXReplayTests
{
    private static readonly ReplayReport Report = Replayed("inferencex-dsr1-runs.csv");

    /// <summary>Every run of a measured-runs file of data/published replayed on the shipped catalog.</summary>
    private static ReplayReport Replayed(string file) =>
        ReplayReport.Run(MeasuredRunFile.Read(Path.Combine(RepositoryRoot.Path, "data", "published", file)), SimCatalog.Default);

    private static List<ReplayOutcome> On(string chip, ServingEngine engine, Precision weights = Precision.FP8) =>
        Report.Outcomes.Where(o => o.Case.Deployment.Accelerator.Id == chip && o.Case.Deployment.Engine == engine && o.Case.Deployment.Weights == weights
            && o.Case.Deployment.MoeRouting is null).ToList();

    private static List<ReplayOutcome> ExpertParallel => Report.Outcomes.Where(o => o.Case.Deployment.MoeRouting is not null && !o.Case.Deployment.AttentionDataParallel).ToList();

    private static List<ReplayOutcome> DataParallelAttention => Report.Outcomes.Where(o => o.Case.Deployment.AttentionDataParallel).ToList();

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(double.IsFinite).Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    [Fact]
    public void Every_run_replays_as_the_client_drew_its_lengths_and_the_server_was_launched()
    {
        Assert.Equal(120, Report.Outcomes.Count);
        Assert.Empty(Report.Skipped);
        Assert.All(Report.Outcomes, o => Assert.Equal("heldout", o.Row.Set));
        Assert.All(Report.Outcomes, o => Assert.IsType<RequestLengths.Uniform>(o.Case.Lengths));

        // The 8k/1k prompts: uniform on [6553, 8192]; SGLang on H200 with InferenceX's flags for 1k/1k (512 running requests,
        // 32,768-token chunks); trtllm-serve's max_num_tokens = max(8192, CONC + ISL + 64 rounded up to 64).
        ReplayOutcome longPrompt = Report.Outcomes.Single(o => o.Row.Experiment == "ix-dsr1-h200-sglang-tp8-fp8-8k1k-c4");
        Assert.Equal(new RequestLengths.Uniform((6553, 8192), (819, 1024)), longPrompt.Case.Lengths);
        ReplayOutcome sglang = Report.Outcomes.Single(o => o.Row.Experiment == "ix-dsr1-h200-sglang-tp8-fp8-1k1k-c4");
        Assert.Equal((512, 32768), (sglang.Case.Scheduler.MaxSequences, sglang.Case.Scheduler.MaxBatchedTokens));
        ReplayOutcome trt = Report.Outcomes.Single(o => o.Row.Experiment == "ix-dsr1-h200-trt-tp8-fp8-8k1k-c64");
        Assert.Equal(8320, trt.Case.Scheduler.MaxBatchedTokens);
    }

    [Fact]
    public void SGLang_on_Blackwell_reads_new_requests_every_few_decode_steps_as_launched()
    {
        // The B200 and B300 launch scripts pass --scheduler-recv-interval: 10, or 30 from 16 users (TP 8 and FP4), 10 at TP 4 in
        // FP8; the other GPUs' scripts leave it at 1. A request that lands while the batch decodes waits for the next read.
        List<ReplayOutcome> gated = [.. Report.Outcomes.Where(o => o.Case.Scheduler.ReceiveInterval > 1)];
        Assert.Equal(39, gated.Count);
        Assert.All(gated, o => Assert.Contains(o.Case.Deployment.Accelerator.Id, new[] { "B200", "B300" }));
        Assert.Equal(30, Report.Outcomes.Single(o => o.Row.Experiment == "ix-dsr1-b300-sglang-tp8-fp8-1k1k-c64").Case.Scheduler.ReceiveInterval);
        Assert.Equal(10, Report.Outcomes.Single(o => o.Row.Experiment == "ix-dsr1-b300-sglang-tp8-fp8-1k1k-c4").Case.Scheduler.ReceiveInterval);
        Assert.Equal(10, Report.Outcomes.Single(o => o.Row.Experiment == "ix-dsr1-b200-sglang-tp4-fp8-8k1k-c32").Case.Scheduler.ReceiveInterval);

        // Held out: their median first tokens came out 77 % short in the median read every step, 38 % short read as launched
        // (7 December 2026); the decode-bound latencies barely move (E2E 10.1 -> 10.3 %).
        var everyStep = ReplayReport.Run([.. gated.Select(o => o.Row with { ReceiveInterval = null })], SimCatalog.Default);
        double asLaunched = Median(gated.Select(o => Math.Abs(o.TtftP50Error))), eachStep = Median(everyStep.Outcomes.Select(o => Math.Abs(o.TtftP50Error)));
        Assert.True(asLaunched < 0.42, $"median TTFT error read as launched {asLaunched:P1}");
        Assert.True(eachStep > 0.70, $"median TTFT error read every step {eachStep:P1}");
        Assert.True(Median(gated.Select(o => Math.Abs(o.E2eError))) < 0.12);
    }

    [Theory]
    [InlineData("B200", ServingEngine.TensorRtLlm, 0.05)]   // measured 0.9 % on 2 December 2026 (generic/fp8, warned)
    [InlineData("H200", ServingEngine.TensorRtLlm, 0.08)]   // 4.4 % (hopper-trtllm/fp8)
    [InlineData("B200", ServingEngine.Sglang, 0.10)]        // 6.5 % (blackwell-sglang/fp8: SGLang's terms carried from H200, warned; 6.5 % on generic/fp8 too)
    [InlineData("MI355X", ServingEngine.Sglang, 0.11)]      // 7.0 % (generic/fp8, warned)
    [InlineData("B300", ServingEngine.Sglang, 0.06)]        // InferenceX's HGX B300 runs (blackwell-sglang/fp8, warned): 2.5 % on HGX B300's row (2.8 % on GB300's, which it was read as before)
    [InlineData("H200", ServingEngine.Sglang, 0.04)]        // 1.9 % (hopper-sglang/fp8; 22.1 % slow on vLLM's row): see the test below
    public void Mean_end_to_end_latency_lands_within_its_bound(string chip, ServingEngine engine, double bound)
    {
        double median = Median(On(chip, engine).Select(o => Math.Abs(o.E2eError)));
        Assert.True(median < bound, $"{chip} {engine}: median E2E error {median:P1}");
    }

    [Theory]
    [InlineData("MI355X", ServingEngine.Sglang, 0.20)]      // 15.6 % fast (MXFP4; generic/int4, warned)
    [InlineData("B200", ServingEngine.TensorRtLlm, 0.05)]   // 1.9 % (NVFP4; blackwell-trtllm/int4: 19.5 % slow with the dense GEMMs' 256-row tile waste charged on every expert)
    [InlineData("B200", ServingEngine.Sglang, 0.40)]        // 32.1 % fast (NVFP4; generic/int4, warned)
    public void Four_bit_runs_land_within_their_bound(string chip, ServingEngine engine, double bound)
    {
        double median = Median(On(chip, engine, Precision.INT4).Select(o => Math.Abs(o.E2eError)));
        Assert.True(median < bound, $"{chip} {engine}: median E2E error {median:P1}");
    }

    [Fact]
    public void Expert_parallel_runs_keep_whole_experts_combined_by_the_all_reduce()
    {
        // 27 runs with SGLang's --ep-size or TensorRT-LLM's ep_size inside the TP group (no attention DP): measured 13.7 %
        // median E2E on 2 December 2026 (B200 SGLang FP8 10.1 %, B300 SGLang FP4 11.3 %, H200 TensorRT-LLM 18.1 % slow).
        Assert.Equal(27, ExpertParallel.Count);
        Assert.All(ExpertParallel, o => Assert.Equal(ClusterSim.Core.Moe.ExpertDispatch.AllReduce, o.Case.Deployment.MoeRouting!.Dispatch));
        Assert.True(Median(ExpertParallel.Select(o => Math.Abs(o.E2eError))) < 0.17);
        var b300 = ExpertParallel.Where(o => o.Case.Deployment.Accelerator.Id == "B300").ToList();
        Assert.Equal(10, b300.Count);
        Assert.True(Median(b300.Select(o => Math.Abs(o.E2eError))) < 0.15);
    }

    [Fact]
    public void Data_parallel_attention_runs_attend_on_each_rank_with_that_ranks_limits_and_land_within_their_bounds()
    {
        // TensorRT-LLM's enable_attention_dp with enable_balance on eight B200 (InferenceX's launch script): each rank's
        // max_num_tokens, so the replica batches eight times it; no latent copied. Measured 6 December 2026: NVFP4 at 1k/1k
        // and 8k/1k, 128 users: E2E +1.9 and -3.2 %, ITL +5.3 and +3.8 % (-2.4 and -6.9 %, +0.5 and -0.4 % on 4 December,
        // before the LM head was read in 16 bits and NVFP4's block scales counted: 4.5 bits a weight); FP8 at 1k/1k, 64 users: -28.3 % (generic/fp8, warned:
        // the non-DP B200 FP8 runs of TensorRT-LLM have no fitted row either). With each prompt one rank's work (no balance)
        // the 8k/1k run comes out +50 % slow; tensor-parallel attention in its place, +10 %.
        Assert.Equal(3, DataParallelAttention.Count);
        Assert.All(DataParallelAttention, o => Assert.Equal(AttentionLayout.BalancedDataParallel, o.Case.Deployment.Attention));
        Assert.All(DataParallelAttention, o => Assert.Equal(1, o.Case.Deployment.KvReplication));
        ReplayOutcome longPrompt = DataParallelAttention.Single(o => o.Row.Experiment == "ix-dsr1-b200-trt-tp8-ep8-dpa-fp4-8k1k-c128");
        Assert.Equal(8 * 8384, longPrompt.Case.Scheduler.MaxBatchedTokens);
        var fp4 = DataParallelAttention.Where(o => o.Case.Deployment.Weights == Precision.INT4).ToList();
        Assert.Equal(2, fp4.Count);
        Assert.All(fp4, o => Assert.InRange(o.E2eError, -0.10, 0.10));
        Assert.All(fp4, o => Assert.InRange(o.ItlError, -0.07, 0.07));
        ReplayOutcome fp8 = DataParallelAttention.Single(o => o.Case.Deployment.Weights == Precision.FP8);
        Assert.InRange(fp8.E2eError, -0.35, -0.15);
        Assert.NotNull(fp8.Case.CalibrationWarning);
    }

    [Fact]
    public void With_two_engines_in_the_runs_each_line_of_the_breakdown_names_its_engine()
    {
        string[] lines = ReplayTable.Markdown(Report).Split('\n');
        Assert.Contains(lines, l => l.StartsWith("  deepseek-v3 on H200 (tensorrt-llm), 9 scored rows:", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("  deepseek-v3 on H200 (sglang), 9 scored rows:", StringComparison.Ordinal));
    }

    [Fact]
    public void The_misses_are_where_the_calibration_notes_say()
    {
        // Every engine's first token comes later than modelled (a front end of the deployment that no run separates).
        Assert.True(Median(Report.Outcomes.Select(o => o.TtftError)) < -0.3);
    }

    [Fact]
    public void SGLang_on_H200_lands_on_its_own_row_and_holds_the_slope_with_the_batch_on_an_older_release()
    {
        // hopper-sglang/fp8 was fitted on the four 0.5.12 runs (1.1 % median E2E). On vLLM's row the five 0.5.9 runs at 4 to
        // 64 users were 10-39 % slow, the ITL's growth with the batch too steep (each touched expert paid 64 rows of tile
        // waste); held out on the SGLang row they land within 4 % (4 December 2026), ITL included.
        List<ReplayOutcome> h200 = On("H200", ServingEngine.Sglang);
        Assert.All(h200, o => Assert.Equal("hopper-sglang/fp8", o.Case.Deployment.CalibrationName));
        var heldOut = h200.Where(o => o.Case.Deployment.EngineVersion == "0.5.9").ToList();
        Assert.Equal(5, heldOut.Count);
        Assert.All(heldOut, o => Assert.InRange(o.E2eError, -0.06, 0.06));
        Assert.All(heldOut, o => Assert.InRange(o.ItlError, -0.08, 0.08));
        Assert.True(Median(h200.Except(heldOut).Select(o => Math.Abs(o.E2eError))) < 0.03);

        // SGLang's 30.8 ms a request, fitted on the four 0.5.12 runs' median TTFT: the 0.5.9 runs' median first token
        // 39.9 % off held out (51.4 % on vLLM's 8.5 ms, 4 December 2026).
        Assert.Equal(30.8e-3, h200[0].Case.Deployment.Efficiency.RequestOverheadSeconds, 4);
        double held = Median(heldOut.Select(o => Math.Abs(o.TtftP50Error)));
        var vllmFrontEnd = heldOut.Select(o => o.Case).Distinct().Select(c => c with { Deployment = c.Deployment with { Efficiency = c.Deployment.Efficiency with { RequestOverheadSeconds = 8.483e-3 } } }).ToList();
        double before = Median(ReplayReport.Run(vllmFrontEnd, []).Outcomes.Select(o => Math.Abs(o.TtftP50Error)));
        Assert.True(held < 0.45 && before > held + 0.08, $"median TTFT held out {held:P1}, with vLLM's front end {before:P1}");

        // Blackwell carries the SGLang terms unfitted, and says so.
        List<ReplayOutcome> blackwell = On("B200", ServingEngine.Sglang).Concat(On("B300", ServingEngine.Sglang)).Where(o => o.Case.Deployment.Weights == Precision.FP8).ToList();
        Assert.All(blackwell, o => Assert.Equal("blackwell-sglang/fp8", o.Case.Deployment.CalibrationName));
        Assert.All(blackwell, o => Assert.Contains("partly calibrated", o.Case.CalibrationWarning, StringComparison.Ordinal));
    }

    private static List<ReplayOutcome> OnCdna3(string chip, string release) =>
        On(chip, ServingEngine.Sglang).Where(o => o.Case.Deployment.EngineVersion == release).ToList();

    /// <summary>
    /// cdna3-sglang/fp8 was fitted on MI300X's ten 0.5.12 runs (5.6 % median E2E left one out, 6.1 % in the fit); MI325X's
    /// four 0.5.12 runs are held out: -0.6, +1.5, -12.7 and -4.6 % on 2 December 2026 (before the row: 47-56 % fast). The same
    /// configurations under SGLang 0.5.9 (February 2026) ran 20-42 % slower than that row gives (-28.7 % median on MI325X's
    /// five 1k/8k runs); they take cdna3-sglang@0.5.9, fitted on MI300X's, and MI325X's land at 2.9 % (7 December 2026).
    /// </summary>
    [Theory]
    [InlineData("0.5.12", "cdna3-sglang/fp8", 10, 4, 0.08, 0.08)]
    [InlineData("0.5.9", "cdna3-sglang@0.5.9/fp8", 5, 5, 0.07, 0.06)]
    public void SGLang_on_CDNA3_lands_on_the_row_of_its_release(string release, string row, int fittedRuns, int heldOutRuns, double fittedBound, double heldOutBound)
    {
        List<ReplayOutcome> fitted = OnCdna3("MI300X", release);
        List<ReplayOutcome> heldOut = OnCdna3("MI325X", release);
        Assert.Equal((fittedRuns, heldOutRuns), (fitted.Count, heldOut.Count));
        Assert.All(fitted.Concat(heldOut), o => Assert.Equal(row, o.Case.Deployment.CalibrationName));
        Assert.All(fitted.Concat(heldOut), o => Assert.Null(o.Case.CalibrationWarning));
        Assert.True(Median(fitted.Select(o => Math.Abs(o.E2eError))) < fittedBound);
        Assert.True(Median(heldOut.Select(o => Math.Abs(o.E2eError))) < heldOutBound);
    }

    [Fact]
    public void The_historys_SGLang_0_5_9_runs_on_CDNA3_land_on_their_release_row_and_MI325Xs_hold_out()
    {
        // The dashboard's history keeps the 1k/1k and 8k/1k runs of the Actions run that measured the snapshot's 0.5.9 1k/8k
        // runs (data/published/inferencex-dsr1-cdna3-sglang-0.5.9-runs.csv: medians, no means). MI300X's six were fitted
        // with its five 1k/8k runs; MI325X's six are held out: median TPOT 6.4 % and output throughput 4.8 % with the rest of
        // MI325X's 0.5.9 runs on 7 December 2026, 20.5 and 37.8 % on the 0.5.12 row.
        ReplayReport history = Replayed("inferencex-dsr1-cdna3-sglang-0.5.9-runs.csv");
        Assert.Equal(12, history.Outcomes.Count);
        Assert.Empty(history.Skipped);
        Assert.All(history.Outcomes, o => Assert.Equal("cdna3-sglang@0.5.9/fp8", o.Case.Deployment.CalibrationName));
        string fittedOn = SimCatalog.Default.Calibrations.All.Single(c => c.Name == "cdna3-sglang@0.5.9/fp8").FittedOn;
        var (fitted, heldOut) = (history.Outcomes.Where(o => o.Row.Gpu == "MI300X").ToList(), history.Outcomes.Where(o => o.Row.Gpu == "MI325X").ToList());
        Assert.All(fitted, o => Assert.Contains(o.Row.Experiment, fittedOn, StringComparison.Ordinal));
        Assert.All(heldOut, o => Assert.DoesNotContain(o.Row.Experiment, fittedOn, StringComparison.Ordinal));
        Assert.Equal((6, 6), (fitted.Count, heldOut.Count));
        Assert.True(Median(heldOut.Select(o => Math.Abs(o.TpotP50Error))) < 0.12);
        Assert.True(Median(heldOut.Select(o => Math.Abs(o.ThroughputError))) < 0.10);
        Assert.All(heldOut, o => Assert.InRange(o.TpotP50Error, -0.10, 0.22));
    }

    [Fact]
    public void The_historys_other_data_parallel_runs_come_out_fast_where_the_notes_say()
    {
        // Five more TensorRT-LLM DP configurations from the dashboard's history (its latest run of each; medians only, so
        // scored on output throughput): measured 4 December 2026 at +35.0, +27.6, +33.8 % (NVFP4, TP 4, 256 users),
        // +45.6 % (B200 FP8, generic/fp8, warned) and +22.3 % (H200 FP8, hopper-trtllm/fp8). Their decode steps are slower
        // than the model at 256 users (31.1 ms a token measured, 22-23 ms modelled at TP 4, with tensor-parallel attention
        // too: the gap is not the layout's), where InferenceX's scripts switch the MoE kernels to CUTLASS (docs/calibration.md).
        ReplayReport history = Replayed("inferencex-dsr1-dp-history-runs.csv");
        Assert.Equal(5, history.Outcomes.Count);
        Assert.Empty(history.Skipped);
        Assert.All(history.Outcomes, o => Assert.Equal(AttentionLayout.BalancedDataParallel, o.Case.Deployment.Attention));
        Assert.All(history.Outcomes, o => Assert.InRange(o.ThroughputError, 0.10, 0.55));
        Assert.InRange(Median(history.Outcomes.Select(o => o.ThroughputError)), 0.20, 0.40);
    }
}
