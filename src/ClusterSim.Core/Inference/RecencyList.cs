namespace ClusterSim.Core.Inference;

/// <summary>
/// Slots linked from least to most recently used, in two index arrays (no node per entry): the recency order the
/// prefix cache's evictable blocks and the LRU tables keep. Appending, unlinking and finding the oldest are constant time.
/// </summary>
internal sealed class RecencyList(int capacity)
{
    /// <summary>No slot: the end of the list.</summary>
    public const int None = -1;

    private int[] _previous = new int[capacity];
    private int[] _next = new int[capacity];
    private int _newest = None;

    /// <summary>The least recently appended slot still linked, or <see cref="None"/>.</summary>
    public int Oldest { get; private set; } = None;

    /// <summary>Makes room for slots below <paramref name="size"/>.</summary>
    public void Grow(int size)
    {
        Array.Resize(ref _previous, size);
        Array.Resize(ref _next, size);
    }

    /// <summary>Links <paramref name="slot"/> as the most recent.</summary>
    public void Append(int slot)
    {
        _previous[slot] = _newest;
        _next[slot] = None;
        if (_newest != None)
        {
            _next[_newest] = slot;
        }
        else
        {
            Oldest = slot;
        }

        _newest = slot;
    }

    /// <summary>Takes <paramref name="slot"/> out of the order.</summary>
    public void Unlink(int slot)
    {
        int previous = _previous[slot], next = _next[slot];
        if (previous != None)
        {
            _next[previous] = next;
        }
        else
        {
            Oldest = next;
        }

        if (next != None)
        {
            _previous[next] = previous;
        }
        else
        {
            _newest = previous;
        }
    }
}
