namespace ClusterSim.Core.Inference.Workload;

/// <summary>
/// A load generator's fixed set of prompts (inference-perf's shared-prefix data): <see cref="SystemPrompts"/> system
/// prompts of <see cref="SystemTokens"/> tokens, each with <see cref="UsersPerPrompt"/> users whose question completes
/// the prompt. Each request sends one of them drawn uniformly, so prompts repeat and a prefix cache can hold them.
/// </summary>
public readonly record struct PromptSet(int SystemPrompts, int UsersPerPrompt, int SystemTokens)
{
    /// <summary>Every prompt different: nothing for a cache to reuse.</summary>
    public static PromptSet None => default;

    /// <summary>Distinct prompts in the set; 0 when every prompt is unique.</summary>
    public int Distinct => SystemPrompts * UsersPerPrompt;

    /// <summary>The identity of prompt <paramref name="prompt"/> of the set (0 ≤ prompt &lt; <see cref="Distinct"/>).</summary>
    public PromptIdentity For(int prompt) =>
        Distinct <= 0 ? PromptIdentity.Unique : new PromptIdentity(prompt / UsersPerPrompt, SystemTokens, prompt);
}
