using ClusterSim.Core.Inference;

namespace ClusterSim.Core.Tests.Inference.Scheduling;

/// <summary>The contract every batch scheduler keeps, run over each one.</summary>
public class BatchSchedulerContractTests
{
    public static TheoryData<SchedulerKind, bool> Kinds() => new()
    {
        { SchedulerKind.Continuous, false }, { SchedulerKind.ChunkedPrefill, false }, { SchedulerKind.Static, false }, { SchedulerKind.WholePrompts, false },
        { SchedulerKind.PrefillFirst, false },
        { SchedulerKind.Continuous, true }, { SchedulerKind.ChunkedPrefill, true }, { SchedulerKind.Static, true }, { SchedulerKind.WholePrompts, true },
        { SchedulerKind.PrefillFirst, true },
    };

    /// <summary>Near saturation on a small KV cache (so preemption happens), with or without prefix caching.</summary>
    private static ServingScenario Scenario(SchedulerKind kind, bool caching, bool macro)
    {
        ServingScenario s = ServingScenarios.Poisson(45, 3000, kind, macro: macro, deployment: ServingScenarios.Llama8bOnH100 with { MemoryReserve = 0.87 });
        return s with
        {
            Replicas = [new ReplicaGroup(s.Replicas[0].Deployment, s.Replicas[0].Scheduler with { PrefixCaching = caching })],
            Workload = streams => ClusterSim.Core.Inference.Workload.RequestSource.Open(
                ClusterSim.Core.Inference.Workload.ArrivalProcess.Poisson(45),
                ClusterSim.Core.Inference.Workload.TokenLengths.LogNormalFromMeanMedian(512, 350, 4096),
                ClusterSim.Core.Inference.Workload.TokenLengths.LogNormalFromMeanMedian(256, 180, 2048),
                streams,
                new ClusterSim.Core.Inference.Workload.PromptSet(4, 20, 200)),
        };
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_request_is_served_the_KV_pool_ends_full_and_macro_steps_equal_single_iterations(SchedulerKind kind, bool caching)
    {
        var cluster = new ServingCluster(Scenario(kind, caching, macro: true));
        ServingResult fast = cluster.Run();
        ServingResult slow = new ServingCluster(Scenario(kind, caching, macro: false)).Run();

        Assert.True(fast.Conserved);
        Assert.Equal(3000, fast.Metrics.Completed);
        Assert.Equal(0, fast.InFlightAtEnd);
        Replica replica = cluster.Replicas[0];
        Assert.Equal(replica.TotalBlocks, replica.FreeBlocks);
        Assert.Equal(slow.Metrics.EndToEnd.Sum, fast.Metrics.EndToEnd.Sum);
        Assert.Equal(slow.Metrics.Ttft.Sum, fast.Metrics.Ttft.Sum);
        Assert.Equal(slow.Metrics.Preemptions, fast.Metrics.Preemptions);
        Assert.True(kind == SchedulerKind.Static || fast.Metrics.Preemptions > 0, "the scenario should push the KV pool into preemption");
        Assert.Equal(slow.Metrics.PrefixHitTokens, fast.Metrics.PrefixHitTokens);
    }
}
