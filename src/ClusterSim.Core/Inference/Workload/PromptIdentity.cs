namespace ClusterSim.Core.Inference.Workload;

/// <summary>
/// What a prompt shares with others, for a prefix cache: its first <see cref="GroupTokens"/> tokens are the group's
/// shared prefix (a system prompt), and prompts with equal <see cref="PromptKey"/> are the same text. −1 means unique.
/// For a <see cref="Conversation"/> turn the blocks are keyed by <see cref="Session"/>, and <see cref="PromptKey"/> is the
/// conversation's slot in the serving cluster's table.
/// </summary>
public readonly record struct PromptIdentity(long Group, int GroupTokens, long PromptKey)
{
    /// <summary>
    /// True for a conversation's turn: its context — earlier prompts and answers included — is keyed by
    /// <see cref="Session"/>, and its answer's blocks enter the cache too, for the next turn.
    /// </summary>
    public bool Conversation { get; init; }

    /// <summary>The conversation's serial number (unique over the run), for <see cref="Conversation"/> turns.</summary>
    public long Session { get; init; }

    /// <summary>A prompt that shares nothing.</summary>
    public static PromptIdentity Unique => new(-1, 0, -1);

    /// <summary>Identity of a cache block: block <paramref name="block"/> (16-token blocks, say) ends at token <paramref name="end"/>; long.MinValue when the block is this prompt's alone.</summary>
    public long BlockKey(int block, int end)
    {
        if (Group >= 0 && end <= GroupTokens)
        {
            return Mix(0x5157_1A7E_0000_0001L, Group, block);
        }

        if (Conversation)
        {
            return Mix(0x3C6E_F372_0000_0003L, Session, block);
        }

        return PromptKey >= 0 ? Mix(0x7E2A_91C3_0000_0002L, PromptKey, block) : long.MinValue;
    }

    // A fixed 64-bit mix (splitmix64 finaliser) of the namespace, the id and the block: deterministic across runs.
    private static long Mix(long space, long id, int block)
    {
        ulong z = unchecked((ulong)space ^ ((ulong)id * 0x9E3779B97F4A7C15UL) ^ ((ulong)block * 0xC2B2AE3D27D4EB4FUL));
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        long key = unchecked((long)z);
        return key == long.MinValue ? long.MaxValue : key;
    }
}
