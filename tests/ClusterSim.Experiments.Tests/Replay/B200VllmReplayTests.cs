using ClusterSim.Core.Catalog;
using ClusterSim.Experiments.Replay;
using ClusterSim.Tests;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>
/// A measured vLLM run on four B200 (data/published/b200-vllm-runs.csv, vllm-project/vllm#43232, May 2026: Qwen3-235B-A22B
/// in FP8 with an FP8 KV cache, 64 users, 30,000-token prompts): no B200 vLLM run has been fitted, so it replays on
/// blackwell-vllm/fp8, derived (the generic row, H100's fractions of B200's peaks, with Blackwell's cuBLASLt GEMM share
/// over Hopper's), with a warning. Held out; pinned here (docs/calibration.md, "B200 under vLLM") so a B200 calibration,
/// when one is fitted, has to keep or improve it.
/// </summary>
public class B200VllmReplayTests
{
    private static readonly ReplayReport Report = ReplayReport.Run(
        MeasuredRunFile.Read(Path.Combine(RepositoryRoot.Path, "data", "published", "b200-vllm-runs.csv")), SimCatalog.Default);

    [Fact]
    public void A_B200_vLLM_run_replays_on_the_derived_Blackwell_row_within_five_percent()
    {
        ReplayOutcome outcome = Report.Outcomes.Single(o => o.Row.Experiment == "b200-qwen3-235b-fp8-tp4-30k-c64");
        Assert.Equal("blackwell-vllm/fp8", outcome.Case.Calibration.Name);
        Assert.Contains("partly calibrated", outcome.Case.CalibrationWarning, StringComparison.Ordinal);

        // Measured on 5 December 2026: TPOT 58.9 against 58.3 ms (+1.0 %), E2E -1.8 %, p99 TTFT -8.7 %. On the generic row
        // (H100's GEMM share of B200's peak) E2E was -6.1 % and p99 TTFT -14.0 %: the first wave of 64 prompts (1.9 M
        // tokens) ended early, a prefill faster than measured, which Blackwell's lower share of its peak in cuBLASLt closes.
        Assert.InRange(outcome.ItlError, -0.05, 0.05);
        Assert.InRange(outcome.E2eError, -0.05, 0.03);
        Assert.InRange(outcome.ThroughputError, -0.03, 0.08);
        Assert.InRange(outcome.TtftP99Error, -0.12, 0);
    }

    [Fact]
    public void The_Nemotron_3_Nano_hybrids_decode_step_grows_with_its_recurrent_state_as_fitted()
    {
        // Vultr's B200 cookbook, vLLM 0.16: 23 Mamba-2, 6 attention and 23 MoE blocks, FP8 at TP 2, 2,048/512 from 1 to
        // 1,024 users. The measured step grows 23 us a sequence from 16 to 512 users; with each sequence's 23 MiB of state
        // read and written at the KV reads' own rate the simulated one grew 12 (ITL 9.8 against 15.5 ms at 512, E2E −14 to
        // −41 %). The state update's share of that rate (a quarter) is fitted on these runs' ITL from 16 users up, so they
        // test the fit: ITL within 5 % there, E2E 2 to 9 % fast.
        ReplayOutcome Users(int c) => Report.Outcomes.Single(o => o.Row.Experiment == $"b200-nemotron3-nano-fp8-tp2-2k512-c{c}");
        ReplayOutcome[] fitted = [.. new[] { 16, 64, 128, 256, 512, 1024 }.Select(Users)];
        Assert.All(fitted, r =>
        {
            Assert.Equal(("nemotron-3-nano-30b-a3b", "blackwell-vllm/fp8"), (r.Case.Deployment.Model.Id, r.Case.Calibration.Name));
            Assert.InRange(r.ItlError, -0.06, 0.05);
            Assert.InRange(r.E2eError, -0.09, -0.02);
        });

        // The slope: 11.1 ms measured from 16 to 512 users, 11.5 simulated.
        double measured = Users(512).Row.ItlMs!.Value - Users(16).Row.ItlMs!.Value;
        double simulated = Users(512).Simulated.ItlMs - Users(16).Simulated.ItlMs;
        Assert.InRange(simulated / measured, 0.95, 1.1);

        // Held out: the prompts' chunked scan at the share fitted on Megatron-Bridge's training run on GB300. First tokens
        // behind a full batch's prefills came 49-52 % early with the scan at attention's efficiency (1,258 against 2,610 ms
        // at 512 users); now 21-30 %.
        Assert.All(new[] { 256, 512, 1024 }.Select(Users), r => Assert.InRange(r.TtftError, -0.32, -0.15));

        // Left out of the fit, and still fast: one and eight users pay per-step costs this term is not (0.4–0.7 ms a step),
        // and 32 users decoded slower than 64 on the cookbook's page.
        Assert.All(new[] { 1, 8, 32 }.Select(Users), r => Assert.InRange(r.ItlError, -0.4, -0.1));
    }
}
