using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;
using YamlDotNet.RepresentationModel;
using static ClusterSim.Experiments.Files.ResolvedSections;

namespace ClusterSim.Experiments.Files;

/// <summary>Reads <c>speculative:</c> of a deployment: how drafts are made, how many a step, and how often one is accepted.</summary>
internal static class SpeculativeSection
{
    /// <summary>Drafting methods by the names an experiment file uses (MTP modules draft as a head does).</summary>
    public static readonly Dictionary<string, SpeculativeMethod> Methods = new()
    {
        ["draft"] = SpeculativeMethod.Draft,
        ["eagle"] = SpeculativeMethod.Eagle,
        ["mtp"] = SpeculativeMethod.Eagle,
        ["ngram"] = SpeculativeMethod.Ngram,
    };

    public static SpeculativeDecoding? Read(YamlReader r, YamlMappingNode? deployment, ModelSpec target, SimCatalog catalog, string path)
    {
        YamlMappingNode? node = r.Mapping(YamlReader.Child(deployment, "speculative"), path, "method", "tokens", "acceptance", "draft_model", "disable_above_batch");
        if (node is null)
        {
            return null;
        }

        SpeculativeMethod method = r.Choice(node, "method", path, SpeculativeMethod.Eagle, Methods);
        int tokens = r.Integer(node, "tokens", path, 3, 1, SpeculativeDecoding.MaxTokens);
        double acceptance = r.Number(node, "acceptance", path, double.NaN, 0, 1);
        if (double.IsNaN(acceptance))
        {
            if (YamlReader.Child(node, "acceptance") is null)
            {
                r.Problem(node, $"{path}.acceptance", "required: the probability a drafted token is accepted (0 to 1), which depends on the drafter, the model and the data; measure it or take it from the drafter's paper");
            }

            return null;   // given but not a probability: said where it was read
        }

        string? draftName = r.Text(node, "draft_model", path, required: false);
        ModelSpec? draft = null;
        if (method == SpeculativeMethod.Draft)
        {
            if (string.IsNullOrEmpty(draftName))
            {
                r.Problem(node, $"{path}.draft_model", "required with method 'draft': the model that drafts (e.g. llama-3.2-1b)");
                return null;
            }

            if (!catalog.Models.TryResolve(draftName, out draft))
            {
                r.Problem(YamlReader.Child(node, "draft_model"), $"{path}.draft_model", $"unknown model '{draftName}'{ClosestName.Hint(draftName, catalog.Models.Ids)}");
                return null;
            }

            if (draft.Vocab != target.Vocab)
            {
                r.Problem(YamlReader.Child(node, "draft_model"), $"{path}.draft_model", $"{draft.Id} has a vocabulary of {draft.Vocab} tokens and {target.Id} one of {target.Vocab}; a draft model must share the target's tokenizer");
                return null;
            }
        }
        else if (!string.IsNullOrEmpty(draftName))
        {
            r.Problem(YamlReader.Child(node, "draft_model"), $"{path}.draft_model", $"only method 'draft' takes a draft model; '{Methods.First(m => m.Value == method).Key}' drafts without one");
            return null;
        }

        int disable = r.Integer(node, "disable_above_batch", path, 0, 0, 1_000_000);
        return new SpeculativeDecoding { Method = method, Tokens = tokens, Acceptance = acceptance, DraftModel = draft, DisableAboveBatch = disable };
    }

    public static string Resolved(SpeculativeDecoding s) => $"  speculative: {Inline(s)}\n";

    public static string Inline(SpeculativeDecoding s) =>
        $"{{ method: {Methods.First(m => m.Value == s.Method).Key}, tokens: {s.Tokens}, acceptance: {F(s.Acceptance)}, disable_above_batch: {s.DisableAboveBatch}" +
        (s.DraftModel is { } draft ? $", draft_model: {draft.Id} }}" : " }");
}
