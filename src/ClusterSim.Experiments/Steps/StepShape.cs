using ClusterSim.Core.Performance;

namespace ClusterSim.Experiments.Steps;

/// <summary>
/// One iteration the <c>step</c> command times: a fresh prompt's chunk of <paramref name="PromptTokens"/> tokens (0: none)
/// beside <paramref name="Decoders"/> decoding sequences of <paramref name="Context"/> tokens each.
/// </summary>
public readonly record struct StepShape(int PromptTokens, int Decoders, int Context)
{
    /// <summary>
    /// The batch the step-time model times, formed as a replica forms it: the chunk attends causally over itself, each
    /// decoder reads and attends over its whole context, and every sequence in the step computes one token's logits.
    /// </summary>
    public BatchShape Batch => new(
        PromptTokens + Decoders,
        BatchShape.PrefillAttention(PromptTokens, 0) + ((double)Decoders * Context),
        (double)Decoders * Context,
        (PromptTokens > 0 ? 1 : 0) + Decoders);

    /// <summary>Tokens the step produces or consumes: the chunk's and one per decoder.</summary>
    public int NewTokens => PromptTokens + Decoders;
}
