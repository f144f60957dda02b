namespace ClusterSim.Core.Inference;

/// <summary>
/// A macro-step that finishes a prompt by chunked prefill beside running decodes: batch index <see cref="Index"/> takes
/// <see cref="Budget"/> prompt tokens an iteration (the last chunk what remains) for <see cref="Iterations"/> iterations,
/// emitting its first token at the end of the last, and then decodes with the rest.
/// </summary>
internal readonly record struct PrefillStretch(int Index, int Budget, int Prompt, int Iterations)
{
    /// <summary>No stretch: the macro-step in flight, if any, only decodes.</summary>
    public static PrefillStretch None { get; } = new(-1, 0, 0, 0);

    /// <summary>The prompt tokens of iteration <paramref name="j"/> (0-based, below <see cref="Iterations"/>).</summary>
    public int Chunk(int j) => Math.Min(Budget, Prompt - (j * Budget));

    /// <summary>Prompt tokens prefilled in the first <paramref name="iterations"/> iterations.</summary>
    public int PrefilledBy(int iterations) => (int)Math.Min(Prompt, (long)iterations * Budget);

    /// <summary>How far the sequence's context has grown after <paramref name="iterations"/> iterations: its prompt chunks, then a token an iteration.</summary>
    public int GrownBy(int iterations) => PrefilledBy(Math.Min(iterations, Iterations)) + Math.Max(0, iterations - Iterations + 1);
}
