using ClusterSim.Core.Catalog;
using ClusterSim.Core.Moe;
using ClusterSim.Core.Performance;
using ClusterSim.Experiments.Replay;
using ClusterSim.Tests;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>
/// InferenceX's disaggregated DeepSeek-R1 runs (data/published/inferencex-dsr1-disagg-runs.csv): prefill workers handing
/// each request's KV cache to decode workers, under Dynamo with SGLang or TensorRT-LLM and under AMD's MoRI with SGLang, on
/// H100, H200, B200, B300, GB200, GB300 and MI355X. Held out: nothing is fitted on them. The full set (1.9 M requests)
/// replays in about 100 s (docs/calibration.md, "Disaggregated serving"); the tests replay the 52 runs of 64 users or
/// fewer.
/// </summary>
public class InferenceXDisaggReplayTests
{
    private static readonly IReadOnlyList<MeasuredRun> Runs =
        MeasuredRunFile.Read(Path.Combine(RepositoryRoot.Path, "data", "published", "inferencex-dsr1-disagg-runs.csv"));

    private static readonly ReplayReport Small = ReplayReport.Run([.. Runs.Where(r => r.Rate <= 64)], SimCatalog.Default);

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    [Fact]
    public void Every_run_builds_two_pools()
    {
        var (cases, skipped) = ReplayCase.Build(Runs, SimCatalog.Default);
        Assert.Equal(120, Runs.Count);
        Assert.Equal(120, cases.Count);
        Assert.Empty(skipped);

        // Seven H100 runs put 16 GPUs, two HGX nodes, in one tensor-parallel group: their collectives cross the network, said.
        var twoNodes = cases.Where(c => c.Deployment.DomainsSpanned > 1).ToList();
        Assert.Equal(7, twoNodes.Count);
        Assert.All(twoNodes, c => Assert.Equal(("H100-SXM", 16), (c.Deployment.Accelerator.Id, c.Deployment.TensorParallel)));
        Assert.All(twoNodes, c => Assert.Contains(c.Assumptions, a => a.StartsWith("tensor_parallel 16 spans 2 scale-up domains of 8 H100-SXM", StringComparison.Ordinal)));
        Assert.All(cases, c => Assert.NotNull(c.Prefill));
        Assert.All(cases, c => Assert.Equal(c.Prefill!.Count, c.Disaggregation!.PrefillReplicas));

        // Four prefill workers of TP 4 with DP attention over one decode worker of 32 (GB300, SGLang): DeepEP's all-to-all,
        // and the KV cache over NVLink, all 48 GPUs in one NVL72.
        ReplayCase wide = Assert.Single(cases, c => c.Experiment == "ix-dsr1-gb300-dynamo-sglang-4p4e4d-1d32e32d-fp4-1k1k-c512");
        Assert.Equal((4, 4, 1, 32), (wide.Prefill!.Count, wide.Prefill.Deployment.TensorParallel, wide.Replicas, wide.Deployment.TensorParallel));
        Assert.Equal(AttentionLayout.DataParallel, wide.Deployment.Attention);
        Assert.True(wide.Deployment.DispatchesAllToAll);
        Assert.True(wide.Prefill.Deployment.DispatchesAllToAll);
        Assert.Equal(1800.0 * 4, wide.Disaggregation!.KvLinkGBps);
        Assert.Contains(wide.Corrections, a => a.Contains("scale-up links of 1800 GB/s (48 accelerators in one scale-up domain", StringComparison.Ordinal));

        // TensorRT-LLM's workers keep their attention-DP default (gather and scatter), balanced; B200 nodes over the network.
        ReplayCase trt = Assert.Single(cases, c => c.Experiment == "ix-dsr1-b200-dynamo-trt-1p4e4d-5d8e8-fp4-1k1k-c90");
        Assert.Equal(AttentionLayout.BalancedDataParallel, trt.Prefill!.Deployment.Attention);
        Assert.False(trt.Prefill.Deployment.DispatchesAllToAll);
        Assert.Equal(ExpertDispatch.AllReduce, trt.Deployment.MoeRouting!.Dispatch);
        Assert.Equal(50.0 * 4, trt.Disaggregation!.KvLinkGBps);
    }

    [Fact]
    public void A_closed_loop_scores_each_request_once_however_many_pools_it_crossed()
    {
        // The mean E2E is the first token and the decode after it, not the average of a prefill side and a decode side.
        Assert.All(Small.Outcomes, o =>
            Assert.InRange(o.Simulated.E2eMs, 0.95 * (o.Simulated.TtftMs + ((o.Case.ScoredOutputTokens - 1) * o.Simulated.ItlMs)), 1.05 * (o.Simulated.TtftMs + ((o.Case.ScoredOutputTokens - 1) * o.Simulated.ItlMs))));
    }

    [Fact]
    public void The_runs_of_up_to_64_users_land_within_their_bounds()
    {
        Assert.True(Small.Outcomes.Count >= 45, $"{Small.Outcomes.Count} scored");
        double e2e = Median(Small.Outcomes.Select(o => Math.Abs(o.E2eError)));
        double itl = Median(Small.Outcomes.Select(o => Math.Abs(o.ItlError)));
        // Measured 4 December 2026: 13.6 % E2E, 7.8 % ITL (all 113 runs: 20.4 and 20.9 %); the first tokens come later
        // than modelled, as in every InferenceX run (the front end, and here the hand-off's own scheduling).
        Assert.True(e2e < 0.18 && itl < 0.11, $"median E2E {e2e:P1}, ITL {itl:P1}");
        Assert.True(Median(Small.Outcomes.Select(o => o.TtftError)) < -0.5);
    }
}
