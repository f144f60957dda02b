using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.Scheduling;

namespace ClusterSim.Core.Tests.Inference.Scheduling;

/// <summary>SGLang's default: prompt chunks take whole steps while prompts wait; decodes run only in steps without one.</summary>
public class PrefillFirstBatchingTests
{
    private static RunningBatch Batch(int decoders, params int[] prompts) => SchedulingBatches.Of(decoders, prompts);

    private static BatchScheduler Scheduler(SchedulerKind kind, int budget) =>
        BatchScheduler.Create(new SchedulerOptions { Kind = kind, MaxSequences = 64, MaxBatchedTokens = budget });

    [Fact]
    public void Waiting_prompts_take_the_whole_budget_in_chunks_and_the_decodes_wait()
    {
        // 10 decoders and prompts of 600, 500 and 300 tokens under a 1,000-token budget: the step prefills 600 and the
        // first 400 of the next, and decodes nothing; chunked prefill would have given the prompts 990 beside the decodes.
        RunningBatch batch = Batch(10, 600, 500, 300);
        Assert.Equal(1000, Scheduler(SchedulerKind.PrefillFirst, 1000).PlanPrefill(batch, 3, out bool decodesRun));
        Assert.False(decodesRun);
        Assert.Equal([600, 400, 0], batch.Chunk.AsSpan(10, 3).ToArray());

        RunningBatch mixed = Batch(10, 600, 500, 300);
        Assert.Equal(990, Scheduler(SchedulerKind.ChunkedPrefill, 1000).PlanPrefill(mixed, 3, out bool mixedDecodes));
        Assert.True(mixedDecodes);
    }

    [Fact]
    public void Without_a_waiting_prompt_every_sequence_decodes()
    {
        RunningBatch batch = Batch(10);
        Assert.Equal(0, Scheduler(SchedulerKind.PrefillFirst, 1000).PlanPrefill(batch, 0, out bool decodesRun));
        Assert.True(decodesRun);
    }
}
