namespace ClusterSim.Core.Inference.Workload;

/// <summary>
/// A load generator's fixed set of prompts (inference-perf's shared-prefix data): <see cref="SystemPrompts"/> system
/// prompts of <see cref="SystemTokens"/> tokens, each with <see cref="UsersPerPrompt"/> users whose question completes
/// the prompt. Request k sends prompt k mod (system prompts × users), so prompts repeat and a prefix cache can hold them.
/// </summary>
public readonly record struct PromptSet(int SystemPrompts, int UsersPerPrompt, int SystemTokens)
{
    /// <summary>Every prompt different: nothing for a cache to reuse.</summary>
    public static PromptSet None => default;

    /// <summary>Distinct prompts in the set; 0 when every prompt is unique.</summary>
    public int Distinct => SystemPrompts * UsersPerPrompt;

    /// <summary>The identity of the prompt request <paramref name="index"/> sends.</summary>
    public PromptIdentity For(long index)
    {
        if (Distinct <= 0)
        {
            return PromptIdentity.Unique;
        }

        long prompt = index % Distinct;
        return new PromptIdentity(prompt / UsersPerPrompt, SystemTokens, prompt);
    }
}
