using ClusterSim.Core.Inference;

namespace ClusterSim.Core.Tests.Inference;

/// <summary>vLLM's growing KV admission against TensorRT-LLM's reservation of whole sequences, on a tight KV cache.</summary>
public class KvAdmissionPolicyTests
{
    private static ServingScenario Tight(KvAdmissionPolicy admission, SchedulerKind kind = SchedulerKind.ChunkedPrefill, bool macro = true)
    {
        ServingScenario s = ServingScenarios.Poisson(60, 2000, kind, macro: macro, deployment: ServingScenarios.Llama8bOnH100 with { MemoryReserve = 0.87 });
        return s with { Replicas = [new ReplicaGroup(s.Replicas[0].Deployment, s.Replicas[0].Scheduler with { KvAdmission = admission })] };
    }

    [Theory]
    [InlineData(SchedulerKind.ChunkedPrefill)]
    [InlineData(SchedulerKind.Continuous)]
    public void Reserving_whole_sequences_never_preempts_and_runs_fewer_at_once(SchedulerKind kind)
    {
        ServingResult grow = new ServingCluster(Tight(KvAdmissionPolicy.Grow, kind)).Run();
        ServingResult reserve = new ServingCluster(Tight(KvAdmissionPolicy.Reserve, kind)).Run();

        Assert.True(grow.Metrics.Preemptions > 0, "the cache is tight enough that growing sequences preempt");
        Assert.Equal(0, reserve.Metrics.Preemptions);
        Assert.True(reserve.Conserved);
        Assert.Equal(2000, reserve.Metrics.Completed + reserve.Metrics.Dropped);

        // Reservations hold blocks for tokens not yet generated: fewer sequences run at a time, and requests wait longer.
        double Running(ServingResult r) => r.Series().Column("running_sequences").Values.Where(double.IsFinite).Average();
        Assert.True(Running(reserve) < Running(grow), $"running: reserve {Running(reserve):F1}, grow {Running(grow):F1}");
        Assert.True(reserve.Metrics.Ttft.Quantile(0.5) > grow.Metrics.Ttft.Quantile(0.5));
    }

    [Fact]
    public void Reserved_blocks_cover_each_sequence_to_its_last_token_so_nothing_grows()
    {
        // A lone request on an empty replica: it takes the blocks for prompt + output at once.
        var deployment = ServingScenarios.Llama8bOnH100;
        var scenario = new ServingScenario
        {
            Replicas = [new ReplicaGroup(deployment, new SchedulerOptions { KvAdmission = KvAdmissionPolicy.Reserve })],
            Workload = s => Core.Inference.Workload.RequestSource.ClosedLoop(1, 0, Core.Inference.Workload.TokenLengths.Fixed(1000), Core.Inference.Workload.TokenLengths.Fixed(200), s),
            MaxRequests = 1,
            SeriesIntervalSeconds = 0.01,
        };
        ServingResult result = new ServingCluster(scenario).Run();
        double[] occupancy = [.. result.Series().Column("kv_occupancy").Values.Where(v => double.IsFinite(v) && v > 0)];
        int blocks = (1200 + deployment.KvBlockTokens - 1) / deployment.KvBlockTokens;
        Assert.NotEmpty(occupancy);
        Assert.All(occupancy, v => Assert.Equal(blocks / (double)deployment.KvBlocks, v, 12));
    }

    [Theory]
    [InlineData(SchedulerKind.ChunkedPrefill)]
    [InlineData(SchedulerKind.Continuous)]
    public void Macro_steps_give_exactly_the_outcome_of_one_event_per_iteration_when_reserving(SchedulerKind kind)
    {
        ServingResult fast = new ServingCluster(Tight(KvAdmissionPolicy.Reserve, kind, macro: true)).Run();
        ServingResult slow = new ServingCluster(Tight(KvAdmissionPolicy.Reserve, kind, macro: false)).Run();
        ServingClusterTests.AssertSameOutcome(slow, fast);
        Assert.True(fast.EventsFired < slow.EventsFired);
    }
}
