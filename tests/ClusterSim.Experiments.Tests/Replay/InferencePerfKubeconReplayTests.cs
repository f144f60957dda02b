using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;
using ClusterSim.Experiments.Replay;
using ClusterSim.Tests;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>
/// inference-perf's KubeCon NA 2025 sweeps (data/published/inference-perf-kubecon-runs.csv, held out): Llama 3.1 8B on one
/// GKE H100 under vLLM 0.11.0 in four server configurations and under 0.9.0's V0 engine (VLLM_USE_V1=0), seven
/// constant-rate stages each, every stage a run of its own; a client of 44 workers keeps at most 440 requests in flight, so above the server's capacity the sends fall behind
/// and each request is timed from its send (docs/calibration.md, "inference-perf's KubeCon sweeps").
/// </summary>
public class InferencePerfKubeconReplayTests
{
    private static readonly IReadOnlyList<MeasuredRun> Rows =
        MeasuredRunFile.Read(Path.Combine(RepositoryRoot.Path, "data", "published", "inference-perf-kubecon-runs.csv"));

    private static readonly ReplayReport Report = ReplayReport.Run(Rows, SimCatalog.Default);

    private static ReplayOutcome Run(string experiment) => Report.Outcomes.Single(o => o.Row.Experiment == experiment);

    [Fact]
    public void Every_stage_replays_as_a_capped_constant_rate_run_on_the_H100_vLLM_row()
    {
        Assert.Equal(35, Report.Outcomes.Count);
        Assert.All(Report.Outcomes, o =>
        {
            Assert.Equal(ReplayArrival.Staged, o.Case.Arrival);
            Assert.Equal(440, o.Case.ClientConcurrencyCap);
            Assert.Equal("hopper-vllm/bf16", o.Case.Calibration.Name);
        });
    }

    [Fact]
    public void The_V1_sweeps_land_within_seven_percent_in_the_median()
    {
        // Measured on 6 December 2026: E2E 5.3 % (5.3 % without EAGLE3's stages too), ITL 3.3 %, TTFT 24.6 % (first tokens
        // 14 ms late at one request a second).
        ReplayOutcome[] v1 = [.. Report.Outcomes.Where(o => o.Row.VllmUseV1 is null)];
        Assert.Equal(28, v1.Length);
        Assert.InRange(ReplayReport.MedianAbsolute(v1, o => o.E2eError), 0, 0.07);
        Assert.InRange(ReplayReport.MedianAbsolute(v1, o => o.ItlError), 0, 0.06);
    }

    [Fact]
    public void The_V0_run_takes_V0s_defaults_and_is_told_its_host_work_is_V1s_and_it_comes_out_fast_as_said()
    {
        // vLLM 0.9.0 with VLLM_USE_V1=0 (vllm_use_v1 false): V0's prefill-only steps for whole prompts (chunked prefill off),
        // on the calibration's V1 overheads, which its note says will make ITL under load short.
        ReplayOutcome[] v0 = [.. Enumerable.Range(0, 7).Select(i => Run($"ipk-v0-s{i}"))];
        Assert.All(v0, o =>
        {
            Assert.False(o.Row.VllmUseV1);
            Assert.Equal(Core.Inference.SchedulerKind.Continuous, o.Case.Scheduler.Kind);
            Assert.Contains(o.Case.Corrections, c => c.Contains("behind its server the calibration's overheads are V1's", StringComparison.Ordinal));
            Assert.Contains(o.Case.Corrections, c => c.Contains("vLLM 0.9 with VLLM_USE_V1=0's defaults (V0 engine)", StringComparison.Ordinal));
        });

        // Measured on 6 December 2026: one request a second -10.8 %, every stage from 31 requests a second 20-57 % fast
        // (V0's host work, 2 ms a step and 80 µs a sequence where its client's process ran it, gives +23 % on this
        // faster host; docs/calibration.md). The same server as V1 serves fewer: 79 against 106 requests a second measured.
        Assert.InRange(v0[0].E2eError, -0.15, 0);
        Assert.All(v0.Skip(1), o => Assert.InRange(o.E2eError, -0.65, -0.12));
        Assert.True(Run("ipk-v0-s6").Simulated.E2eMs > Run("ipk-base-s6").Simulated.E2eMs);
        Assert.True(Run("ipk-v0-s6").Row.E2eMs > Run("ipk-base-s6").Row.E2eMs);
    }

    [Fact]
    public void Above_the_servers_capacity_the_clients_cap_holds_the_queue_as_measured()
    {
        // The last two stages of each configuration ask 1.4-2.2 times what the server serves: the cap keeps 440 in flight
        // and the first tokens wait 1.7-2.9 s, measured and simulated (E2E -6.6 to +8.0 % on 6 December 2026).
        foreach (string run in new[] { "ipk-base-s5", "ipk-base-s6", "ipk-seqs192-s5", "ipk-seqs192-s6", "ipk-chunked-prefix-s5", "ipk-chunked-prefix-s6" })
        {
            ReplayOutcome o = Run(run);
            Assert.InRange(o.E2eError, -0.12, 0.12);
            Assert.InRange(o.Simulated.TtftMs, 1500, 3500);
        }

        // Without the cap the same stages queue without bound: 3-7 times the measured latency.
        MeasuredRun uncapped = Rows.Single(r => r.Experiment == "ipk-base-s6") with { ConcurrencyCap = null };
        ReplayOutcome runaway = Assert.Single(ReplayReport.Run([uncapped], SimCatalog.Default).Outcomes);
        Assert.Equal(0, runaway.Case.ClientConcurrencyCap);
        Assert.True(runaway.E2eError > 1.0, $"{runaway.E2eError}");
    }

    [Fact]
    public void Prefix_caching_and_chunked_prefill_shorten_the_saturated_step_measured_and_simulated()
    {
        // At saturation the 128 sequences' step takes 19 ms with whole 204-token prompts beside them and 11.5 ms with
        // their 128-token system prompts cached and the rest chunked; simulated 18.8 and 12.3 ms.
        double whole = Run("ipk-base-s6").Simulated.ItlMs, cached = Run("ipk-chunked-prefix-s6").Simulated.ItlMs;
        Assert.InRange(cached / whole, 0.55, 0.75);
        Assert.InRange(Run("ipk-base-s6").ItlError, -0.08, 0.08);
        Assert.InRange(Run("ipk-chunked-prefix-s6").ItlError, -0.08, 0.10);
    }

    [Fact]
    public void EAGLE3s_light_stages_replay_from_an_acceptance_fitted_at_saturation_with_each_drafter_pass_paying_the_host()
    {
        ReplayOutcome saturated = Run("ipk-eagle3-s6");
        Assert.Equal((SpeculativeMethod.Eagle, 4, 0.29), (saturated.Case.Deployment.Speculative!.Method, saturated.Case.Deployment.Speculative.Tokens, saturated.Case.Deployment.Speculative.Acceptance));

        // The acceptance is fitted on the last stage (-0.4 % on 6 December 2026); the one before it is the same regime.
        Assert.InRange(saturated.E2eError, -0.03, 0.03);
        Assert.InRange(Run("ipk-eagle3-s5").E2eError, -0.03, 0.03);

        // Held out, the lighter stages: -9.1, -3.9, -1.2, -9.2 and -14.3 % (the last at 95 % of capacity). Without the
        // drafter's passes paying vLLM's host cost a step no acceptance fits both ends: at 0.2, fitted the same way, the
        // saturated stages land within 2 % and these 25-32 % fast.
        foreach (int stage in new[] { 0, 1, 2, 3, 4 })
        {
            Assert.InRange(Run($"ipk-eagle3-s{stage}").E2eError, -0.16, 0.16);
        }

        // Speculating with so few drafts accepted is slower than not, measured and simulated: at one request a second and
        // at saturation.
        Assert.True(Run("ipk-eagle3-s0").Simulated.ItlMs > Run("ipk-chunked-prefix-s0").Simulated.ItlMs);
        Assert.True(saturated.Simulated.ItlMs > Run("ipk-chunked-prefix-s6").Simulated.ItlMs);
    }
}
