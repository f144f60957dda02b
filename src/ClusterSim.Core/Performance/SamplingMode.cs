namespace ClusterSim.Core.Performance;

/// <summary>
/// How the engine picks each sequence's next token, which decides what its sampler costs. Greedy decoding takes the
/// arg-max and sampling at a temperature draws from the whole distribution, both a pass or two over the logits; top-p or
/// top-k filtering first ranks the whole vocabulary of every sequence, which vLLM's default sampler paths do over every
/// logit (a sort in PyTorch's, a Triton kernel later; <see cref="EfficiencyFactors.SamplerCyclesPerEntry"/>).
/// </summary>
public enum SamplingMode
{
    /// <summary>Temperature above zero, no filter: the server's own default when neither the client nor the model sets one.</summary>
    Random,

    /// <summary>Temperature 0: the client asks for the most likely token (vLLM's benchmark client does when not told otherwise).</summary>
    Greedy,

    /// <summary>Top-p or top-k: the whole vocabulary is ranked for every sequence every step.</summary>
    Filtered,
}
