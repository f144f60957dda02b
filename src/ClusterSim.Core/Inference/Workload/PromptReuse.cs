namespace ClusterSim.Core.Inference.Workload;

/// <summary>
/// How a load generator's prompts reuse cached KV: the first <see cref="DistinctPrompts"/> requests find
/// <see cref="FirstCached"/> tokens cached (a shared system prompt), later ones repeat a prompt and find
/// <see cref="RepeatCached"/> (its whole blocks). Counts are in tokens, already rounded to whole cache blocks.
/// </summary>
public readonly record struct PromptReuse(int DistinctPrompts, int FirstCached, int RepeatCached)
{
    /// <summary>No prefix caching.</summary>
    public static PromptReuse None => default;
}
