namespace ClusterSim.Core.Performance;

/// <summary>Where a speculative decoder's drafted tokens come from.</summary>
public enum SpeculativeMethod
{
    /// <summary>A separate, smaller model (a catalog model) drafts each token with a decode step of its own.</summary>
    Draft,

    /// <summary>A draft head on the target's last hidden state (EAGLE, MTP): one transformer layer and the LM head per drafted token.</summary>
    Eagle,

    /// <summary>Drafts looked up in the prompt and output so far (n-gram / prompt lookup): no accelerator work to draft.</summary>
    Ngram,
}
