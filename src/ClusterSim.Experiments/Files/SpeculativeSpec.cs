using System.Globalization;
using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;

namespace ClusterSim.Experiments.Files;

/// <summary>
/// Speculative decoding as one command-line value, <c>METHOD:TOKENS:ACCEPTANCE[:DRAFT_MODEL]</c> (<c>eagle:3:0.6</c>,
/// <c>draft:4:0.7:llama-3.2-1b</c>): the commands that take <c>--speculative</c> read it here, with the methods, ranges and
/// draft-model checks of the experiment file's <c>speculative:</c> section.
/// </summary>
public static class SpeculativeSpec
{
    private const string Shape = "METHOD:TOKENS:ACCEPTANCE[:DRAFT_MODEL] (eagle:3:0.6, draft:4:0.7:llama-3.2-1b)";

    /// <summary>The spec's three or four parts; <see cref="ArgumentException"/> naming the option when it has not that shape.</summary>
    public static string[] Split(string spec)
    {
        string[] parts = spec.Split(':', StringSplitOptions.TrimEntries);
        return parts.Length is < 3 or > 4 || parts.Any(p => p.Length == 0)
            ? throw new ArgumentException($"--speculative: '{spec}' is not {Shape}")
            : parts;
    }

    /// <summary>
    /// The speculative decoding <paramref name="spec"/> names for <paramref name="target"/>; <see cref="ArgumentException"/>
    /// naming the option and the part that is wrong (an unknown method, tokens outside 1–15, an acceptance outside 0–1, a
    /// draft model unknown, missing, superfluous or with another tokenizer).
    /// </summary>
    public static SpeculativeDecoding Parse(string spec, ModelSpec target, SimCatalog catalog)
    {
        string[] parts = Split(spec);
        if (!SpeculativeSection.Methods.TryGetValue(parts[0].ToLowerInvariant(), out SpeculativeMethod method))
        {
            throw new ArgumentException($"--speculative: unknown method '{parts[0]}'{ClosestName.Hint(parts[0], SpeculativeSection.Methods.Keys)}; expected one of {string.Join(", ", SpeculativeSection.Methods.Keys)}");
        }

        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int tokens) || tokens is < 1 or > SpeculativeDecoding.MaxTokens)
        {
            throw new ArgumentException($"--speculative: tokens '{parts[1]}' is not a whole number in [1, {SpeculativeDecoding.MaxTokens}]");
        }

        if (!double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out double acceptance) || !(acceptance is >= 0 and <= 1))
        {
            throw new ArgumentException($"--speculative: acceptance '{parts[2]}' is not a probability in [0, 1]");
        }

        ModelSpec? draft = null;
        if (method == SpeculativeMethod.Draft)
        {
            if (parts.Length < 4)
            {
                throw new ArgumentException("--speculative: method 'draft' needs the model that drafts as a fourth part (draft:4:0.7:llama-3.2-1b)");
            }

            if (!catalog.Models.TryResolve(parts[3], out draft))
            {
                throw new ArgumentException($"--speculative: unknown draft model '{parts[3]}'{ClosestName.Hint(parts[3], catalog.Models.Ids)}");
            }

            if (draft.Vocab != target.Vocab)
            {
                throw new ArgumentException($"--speculative: {draft.Id} has a vocabulary of {draft.Vocab} tokens and {target.Id} one of {target.Vocab}; a draft model must share the target's tokenizer");
            }
        }
        else if (parts.Length == 4)
        {
            throw new ArgumentException($"--speculative: only method 'draft' takes a draft model; '{parts[0]}' drafts without one");
        }

        return new SpeculativeDecoding { Method = method, Tokens = tokens, Acceptance = acceptance, DraftModel = draft }.Validated();
    }
}
