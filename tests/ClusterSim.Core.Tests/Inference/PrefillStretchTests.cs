using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.Scheduling;

namespace ClusterSim.Core.Tests.Inference;

public class PrefillStretchTests
{
    private const int BlockTokens = 16;

    [Theory]
    [InlineData(512, 1)]
    [InlineData(512, 2)]
    [InlineData(100, 3)]
    [InlineData(4096, 4)]
    [InlineData(37, 5)]
    public void A_planned_stretch_gives_each_iteration_the_chunks_the_scheduler_would(int maxBatchedTokens, int seed)
    {
        // Decoding sequences and several prompts of mixed lengths, stepped with the real scheduler beside the plan.
        var random = new Random(seed);
        var options = new SchedulerOptions { Kind = SchedulerKind.ChunkedPrefill, MaxSequences = 32, MaxBatchedTokens = maxBatchedTokens };
        BatchScheduler scheduler = BatchScheduler.Create(options);
        var batch = new RunningBatch(32, BlockTokens);
        int decoders = random.Next(0, 10), prompts = random.Next(2, 7);
        for (int i = 0; i < decoders + prompts; i++)
        {
            int prompt = random.Next(1, 3000);
            batch.Append(i, prompt, generated: 0, target: 10_000, blocks: (prompt + BlockTokens - 1) / BlockTokens, now: 0);
            if (i < decoders)
            {
                batch.AddPrefill(i, prompt);
                batch.GenerateOne(i);
            }
        }

        var stretch = new PrefillStretch(32, maxBatchedTokens);
        stretch.Begin(batch);
        Assert.Equal(prompts, stretch.Count);
        int[] startContext = [.. Enumerable.Range(0, batch.Count).Select(batch.Context)];
        int prefilling = prompts;
        for (int j = 0; prefilling > 0; j++)
        {
            int planned = stretch.Plan();
            int expected = scheduler.PlanPrefill(batch, prefilling, out _);
            Assert.Equal(expected, planned);
            for (int q = 0; q < stretch.Count; q++)
            {
                int i = stretch.Index(q);
                Assert.Equal(batch.IsDecoding(i) ? 0 : batch.Chunk[i], stretch.Chunk(q));
                Assert.Equal(batch.IsDecoding(i) ? batch.PromptLength[i] : batch.Prefilled[i], stretch.Prefilled(q));
            }

            // Step the batch as the replica does: chunks applied, a finished prompt's first token, everyone else decodes.
            for (int i = 0; i < batch.Count; i++)
            {
                if (batch.IsDecoding(i))
                {
                    batch.GenerateOne(i);
                }
                else if (batch.Chunk[i] > 0)
                {
                    batch.AddPrefill(i, batch.Chunk[i]);
                    batch.Chunk[i] = 0;
                    if (batch.IsDecoding(i))
                    {
                        batch.GenerateOne(i);
                        prefilling--;
                    }
                }
            }

            int firstTokens = stretch.Complete(j);
            Assert.Equal(prompts - prefilling, stretch.Count - stretch.Prefilling);
            Assert.True(firstTokens >= 0);
            for (int q = 0; q < stretch.Count; q++)
            {
                int i = stretch.Index(q);
                Assert.Equal(batch.Context(i) - startContext[i], stretch.GrownBy(q, j + 1));
                Assert.Equal(batch.IsDecoding(i), stretch.FirstTokenAt(q) <= j);
            }
        }
    }
}
