using ClusterSim.Core.Catalog;
using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.Scheduling;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Inference.Scheduling;

/// <summary>
/// A cap on the prompt tokens one sequence takes in a step (<see cref="SchedulerOptions.MaxChunkTokens"/>): under
/// data-parallel attention each rank prefills its own prompts within its share of the budget, so several prompts take
/// a chunk each where the budget would otherwise go to the first.
/// </summary>
public class ChunkCapTests
{
    private static BatchScheduler Scheduler(SchedulerKind kind, int budget, int cap) =>
        BatchScheduler.Create(new SchedulerOptions { Kind = kind, MaxSequences = 64, MaxBatchedTokens = budget, MaxChunkTokens = cap });

    [Theory]
    [InlineData(SchedulerKind.ChunkedPrefill)]
    [InlineData(SchedulerKind.PrefillFirst)]
    public void Each_prompt_takes_at_most_the_cap_and_the_budget_goes_on_to_the_next(SchedulerKind kind)
    {
        // Prompts of 3,000, 200 and 2,000 tokens, a 4,000-token budget split over four ranks (1,000 each), no decoders.
        RunningBatch batch = SchedulingBatches.Of(0, 3000, 200, 2000);
        Assert.Equal(2200, Scheduler(kind, 4000, 1000).PlanPrefill(batch, 3, out _));
        Assert.Equal([1000, 200, 1000], batch.Chunk.AsSpan(0, 3).ToArray());

        RunningBatch uncapped = SchedulingBatches.Of(0, 3000, 200, 2000);
        Assert.Equal(4000, Scheduler(kind, 4000, 0).PlanPrefill(uncapped, 3, out _));
        Assert.Equal([3000, 200, 800], uncapped.Chunk.AsSpan(0, 3).ToArray());
    }

    [Fact]
    public void A_whole_prompt_scheduler_does_not_cut_prompts_for_the_cap()
    {
        RunningBatch batch = SchedulingBatches.Of(0, 3000, 200);
        Assert.Equal(3200, Scheduler(SchedulerKind.WholePrompts, 4000, 1000).PlanPrefill(batch, 2, out _));
    }

    [Fact]
    public void A_negative_cap_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new SchedulerOptions { MaxChunkTokens = -1 }.Validated());
        Assert.Contains("cannot be negative", e.Message);
    }

    [Fact]
    public void A_data_parallel_replica_caps_each_prompt_at_its_ranks_share_and_runs_to_the_end()
    {
        // DeepSeek-V3 on eight H200 with data-parallel attention, a 16,384-token budget: 2,048 tokens a prompt a step,
        // so an 8k prompt's first token comes four steps in at the earliest, and every request completes.
        ServingDeployment d = SimCatalog.Default.Deployment("deepseek-v3", "H200", 8, Precision.FP8, engine: ServingEngine.Sglang) with { Attention = AttentionLayout.DataParallel };
        var scheduler = new SchedulerOptions { Kind = SchedulerKind.ChunkedPrefill, MaxSequences = 64, MaxBatchedTokens = 16384 };
        ServingResult result = new ServingCluster(new ServingScenario
        {
            Replicas = [new ReplicaGroup(d, scheduler)],
            Workload = s => Core.Inference.Workload.RequestSource.ClosedLoop(4, 0, Core.Inference.Workload.TokenLengths.Fixed(8192), Core.Inference.Workload.TokenLengths.Fixed(16), s),
            MaxRequests = 12,
        }).Run();

        Assert.True(result.Conserved);
        Assert.Equal(12, result.Metrics.Completed);
        Assert.True(result.Metrics.Iterations >= 12 * (4 + 15) / 4, $"{result.Metrics.Iterations} iterations");
    }
}
