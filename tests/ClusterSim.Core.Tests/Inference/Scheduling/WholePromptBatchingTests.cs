using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.Scheduling;

namespace ClusterSim.Core.Tests.Inference.Scheduling;

/// <summary>vLLM V1 with chunked prefill off: decodes first, then whole prompts while they fit what the decodes leave.</summary>
public class WholePromptBatchingTests
{
    private static RunningBatch Batch(int decoders, params int[] prompts) => SchedulingBatches.Of(decoders, prompts);

    private static BatchScheduler Scheduler(int budget) =>
        BatchScheduler.Create(new SchedulerOptions { Kind = SchedulerKind.WholePrompts, MaxSequences = 64, MaxBatchedTokens = budget });

    [Fact]
    public void Decodes_run_and_whole_prompts_fill_what_they_leave()
    {
        // 10 decoders leave 990 of 1,000 tokens: the 600-token prompt runs whole, the 500-token one does not fit the 390
        // left and is passed over, the 300-token one behind it fits.
        RunningBatch batch = Batch(10, 600, 500, 300);
        int total = Scheduler(1000).PlanPrefill(batch, 3, out bool decodesRun);
        Assert.True(decodesRun);
        Assert.Equal(900, total);
        Assert.Equal([600, 0, 300], batch.Chunk.AsSpan(10, 3).ToArray());
    }

    [Fact]
    public void A_prompt_never_runs_in_pieces()
    {
        // Chunked prefill would give the 2,000-token prompt 1,000 tokens now; this scheduler waits until it fits whole.
        RunningBatch batch = Batch(0, 2000);
        Assert.Equal(1000, BatchScheduler.Create(new SchedulerOptions { Kind = SchedulerKind.ChunkedPrefill, MaxSequences = 64, MaxBatchedTokens = 1000 }).PlanPrefill(batch, 1, out _));

        RunningBatch fits = Batch(5, 996);
        Assert.Equal(0, Scheduler(1000).PlanPrefill(fits, 1, out bool decodesRun));
        Assert.True(decodesRun);
        Assert.Equal(0, fits.Chunk[5]);
    }

    [Fact]
    public void A_prompt_longer_than_the_whole_budget_runs_alone_when_first_in_line()
    {
        // vLLM refuses such a configuration; here it must not wait forever.
        RunningBatch batch = Batch(3, 1500, 200);
        Assert.Equal(1500, Scheduler(1000).PlanPrefill(batch, 2, out _));
        Assert.Equal([1500, 0], batch.Chunk.AsSpan(3, 2).ToArray());
    }
}
