using ClusterSim.Core.Inference;

namespace ClusterSim.Core.Tests.Inference.Scheduling;

/// <summary>Running batches the scheduler tests plan over.</summary>
internal static class SchedulingBatches
{
    public const int BlockTokens = 16;

    /// <summary>A batch of <paramref name="decoders"/> decoding sequences, then waiting prompts of the given lengths, in that order.</summary>
    public static RunningBatch Of(int decoders, params int[] prompts)
    {
        var batch = new RunningBatch(64, BlockTokens);
        for (int i = 0; i < decoders; i++)
        {
            batch.Append(i, 100, generated: 0, target: 1000, blocks: 7, now: 0);
            batch.AddPrefill(i, 100);
            batch.GenerateOne(i);
        }

        foreach (int prompt in prompts)
        {
            batch.Append(batch.Count, prompt, generated: 0, target: 1000, blocks: (prompt + BlockTokens - 1) / BlockTokens, now: 0);
        }

        return batch;
    }
}
