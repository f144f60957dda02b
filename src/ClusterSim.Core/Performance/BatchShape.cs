using ClusterSim.Core.Inference;

namespace ClusterSim.Core.Performance;

/// <summary>
/// What one iteration of a replica processes: new tokens (prefill chunks plus one per decoding sequence), the attention
/// work (sum over new tokens of the context each attends to), the KV tokens read, and the sequences in the step (each
/// computes logits for one token and costs the engine bookkeeping).
/// </summary>
public readonly record struct BatchShape(int NewTokens, double AttentionContext, double KvTokensRead, int Sequences)
{
    /// <summary>Positions the LM head computes logits for; 0 means one a sequence (speculative decoding verifies more).</summary>
    public int LogitTokens { get; init; }

    /// <summary>Time the speculative drafter takes within the step, seconds (0 without speculative decoding).</summary>
    public double DraftSeconds { get; init; }

    /// <summary>
    /// Under attention data parallelism, the new tokens by which the busiest rank's share exceeds an even one, times the
    /// ranks: a prompt's chunk is one rank's work, so a step whose largest chunk is more than its prompts' even share is
    /// uneven (<see cref="ChunkedShape"/>). 0 for an even step, and for every step of any other deployment.
    /// </summary>
    public int UnevenTokens { get; init; }

    /// <summary>The same excess for the attention work (tokens times the context each attends to).</summary>
    public double UnevenAttention { get; init; }

    /// <summary>A decode-only batch of <paramref name="sequences"/> sequences whose contexts sum to <paramref name="contextSum"/>.</summary>
    public static BatchShape Decode(int sequences, double contextSum) => new(sequences, contextSum, contextSum, sequences);

    /// <summary>Attention work of a prefill chunk of <paramref name="chunk"/> tokens after <paramref name="prior"/> already-cached tokens (causal).</summary>
    public static double PrefillAttention(int chunk, int prior) => (chunk * (double)prior) + (chunk * (chunk + 1.0) / 2.0);
}
