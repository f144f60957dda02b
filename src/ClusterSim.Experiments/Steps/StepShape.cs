using ClusterSim.Core.Inference;
using ClusterSim.Core.Performance;

namespace ClusterSim.Experiments.Steps;

/// <summary>
/// One iteration the <c>step</c> command times: a fresh prompt's chunk of <paramref name="PromptTokens"/> tokens (0: none)
/// beside <paramref name="Decoders"/> decoding sequences of <paramref name="Context"/> tokens each.
/// </summary>
public readonly record struct StepShape(int PromptTokens, int Decoders, int Context)
{
    /// <summary>
    /// The batch the step-time model times over <paramref name="attentionRanks"/> ranks that attend separately, formed by
    /// <see cref="ChunkedShape"/> as a replica forms its iterations.
    /// </summary>
    public BatchShape Batch(int attentionRanks = 1)
    {
        var shape = new ChunkedShape((long)Decoders * Context, attentionRanks);
        shape.AddPrompt(PromptTokens, prefilled: 0);
        return shape.WithDecodes(Decoders);
    }

    /// <summary>Tokens the step produces or consumes: the chunk's and one per decoder.</summary>
    public int NewTokens => PromptTokens + Decoders;
}
