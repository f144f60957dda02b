using ClusterSim.Core.Catalog;

namespace ClusterSim.Core.Performance;

/// <summary>
/// Speculative decoding: every decode step drafts <see cref="Tokens"/> tokens per sequence, and the target verifies them
/// with the token after them in one forward pass of <see cref="Tokens"/> + 1 positions. Each drafted token is accepted
/// with probability <see cref="Acceptance"/> while all before it were, so a step yields on average
/// τ = (1 − α^(k+1)) / (1 − α) tokens (Leviathan et al. 2023). The simulator emits that expectation exactly over the
/// steps — ⌊(j+1)τ⌋ − ⌊jτ⌋ tokens at a replica's j-th decode step, every sequence alike — rather than drawing each
/// sequence's acceptances.
/// </summary>
public sealed record SpeculativeDecoding
{
    /// <summary>The most tokens a step may draft (so a step's tokens never span more than one new 16-token KV block).</summary>
    public const int MaxTokens = 15;

    public required SpeculativeMethod Method { get; init; }

    /// <summary>Tokens drafted per sequence per step (k).</summary>
    public required int Tokens { get; init; }

    /// <summary>Probability that a drafted token is accepted, given that those before it were (α).</summary>
    public required double Acceptance { get; init; }

    /// <summary>The drafting model, for <see cref="SpeculativeMethod.Draft"/> only.</summary>
    public ModelSpec? DraftModel { get; init; }

    /// <summary>
    /// A step with more decoding sequences than this does not speculate (it decodes one token each, as without
    /// speculative decoding), since a large batch is compute-bound and verifying drafts only costs; 0 never stops.
    /// </summary>
    public int DisableAboveBatch { get; init; }

    /// <summary>A draft head (EAGLE, MTP) for <paramref name="target"/>: one dense transformer layer of its shape, feeding its LM head.</summary>
    public static ModelSpec DraftHead(ModelSpec target) => target with
    {
        Layers = 1, DenseLayers = 0, Experts = 0, TopK = 0, SharedExperts = 0, ExpertFfn = 0, SlidingWindow = 0, FullAttentionLayers = 0, LinearLayers = 0,
        Ffn = target.Ffn > 0 ? target.Ffn : target.ExpertFfn,
    };

    /// <summary>Whether a step with <paramref name="decoders"/> decoding sequences speculates.</summary>
    public bool SpeculatesWith(int decoders) => decoders > 0 && (DisableAboveBatch == 0 || decoders <= DisableAboveBatch);

    /// <summary>Expected tokens a step yields per sequence, τ = 1 + α + … + α^k.</summary>
    public double TokensPerStep => Acceptance >= 1 ? Tokens + 1 : (1 - Math.Pow(Acceptance, Tokens + 1)) / (1 - Acceptance);

    /// <summary>Tokens every decoding sequence emits at a replica's decode step <paramref name="step"/> (0, 1, …): ⌊(step+1)τ⌋ − ⌊step·τ⌋.</summary>
    public int TokensAt(long step)
    {
        double tau = TokensPerStep;
        return (int)(Math.Floor((step + 1) * tau) - Math.Floor(step * tau));
    }

    /// <summary>Checks the options; throws <see cref="ArgumentException"/> naming the field.</summary>
    public SpeculativeDecoding Validated()
    {
        if (Tokens is < 1 or > MaxTokens)
        {
            throw new ArgumentException($"speculative tokens must be in [1, {MaxTokens}] (got {Tokens})");
        }

        if (DisableAboveBatch < 0)
        {
            throw new ArgumentException($"speculative disable_above_batch must be at least 0 (got {DisableAboveBatch})");
        }

        if (Acceptance is < 0 or > 1 || double.IsNaN(Acceptance))
        {
            throw new ArgumentException($"speculative acceptance must be in [0, 1] (got {Acceptance})");
        }

        if ((Method == SpeculativeMethod.Draft) != (DraftModel is not null))
        {
            throw new ArgumentException(Method == SpeculativeMethod.Draft
                ? "speculative method 'draft' needs a draft_model"
                : $"speculative method '{Method.ToString().ToLowerInvariant()}' takes no draft_model");
        }

        return this;
    }
}
