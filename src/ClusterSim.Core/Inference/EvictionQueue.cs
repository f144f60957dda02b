using System.Diagnostics;
using System.Numerics;

namespace ClusterSim.Core.Inference;

/// <summary>
/// The prefix cache's evictable slots, least recently used first, as a ring of appends: unlinking a slot only bumps its
/// stamp, which leaves its entry in the ring stale, and the oldest slot is the first entry from the head whose stamp is
/// still its slot's. The same order a linked recency list keeps, but the next slots to evict are read forward from the
/// head instead of by following links, so an eviction of many blocks can find them all, and load what it will touch,
/// before it changes anything. The ring is repacked when full of entries (to twice the linked slots, at least 256).
/// </summary>
internal sealed class EvictionQueue
{
    private const int MaxLength = 1 << 30;

    private int[] _stamp;   // per slot: bumped at every append and unlink, so only its latest entry can match
    private long[] _ring = new long[256];   // entries: the slot's stamp when appended (high half) and the slot
    private long _head, _tail;

    /// <summary>A queue for slots below <paramref name="slots"/>.</summary>
    public EvictionQueue(int slots) => _stamp = new int[slots];

    /// <summary>Slots linked now.</summary>
    public int Count { get; private set; }

    /// <summary>Entries in the ring, stale ones included: <see cref="SlotAt"/> reads below this.</summary>
    public int Entries => (int)(_tail - _head);

    /// <summary>Makes room for slots below <paramref name="size"/>.</summary>
    public void Grow(int size) => Array.Resize(ref _stamp, size);

    /// <summary>Links <paramref name="slot"/> as the most recent.</summary>
    public void Append(int slot)
    {
        if (_tail - _head == _ring.Length)
        {
            Repack();
        }

        int stamp = ++_stamp[slot];
        _ring[(int)(_tail & (_ring.Length - 1))] = ((long)stamp << 32) | (uint)slot;
        _tail++;
        Count++;
    }

    /// <summary>Unlinks <paramref name="slot"/> (linked now): its entry goes stale.</summary>
    public void Unlink(int slot)
    {
        _stamp[slot]++;
        Count--;
    }

    /// <summary>Unlinks and returns the least recently appended slot still linked (there must be one).</summary>
    public int PopOldest()
    {
        Debug.Assert(Count > 0, "a slot is linked");
        int mask = _ring.Length - 1;
        while (true)
        {
            long entry = _ring[(int)(_head & mask)];
            _head++;
            int slot = (int)entry;
            if ((int)(entry >> 32) == _stamp[slot])
            {
                _stamp[slot]++;
                Count--;
                return slot;
            }
        }
    }

    /// <summary>
    /// The slot of the <paramref name="index"/>-th entry from the head, stale or not, and that slot's stamp now: to load
    /// what popping it and evicting it will touch.
    /// </summary>
    public int SlotAt(int index, out int stamp)
    {
        int slot = (int)_ring[(int)((_head + index) & (_ring.Length - 1))];
        stamp = _stamp[slot];
        return slot;
    }

    private bool IsLive(long entry) => (int)(entry >> 32) == _stamp[(int)entry];

    /// <summary>Copies the live entries, in order, to the front of a ring at least twice their number.</summary>
    private void Repack()
    {
        var ring = new long[(int)Math.Min(MaxLength, BitOperations.RoundUpToPowerOf2((ulong)Math.Max(128, Count) * 2))];
        if (ring.Length <= Count)
        {
            throw new InvalidOperationException($"an eviction queue cannot hold more than {MaxLength / 2:N0} slots");
        }

        int mask = _ring.Length - 1;
        int written = 0;
        for (long p = _head; p < _tail; p++)
        {
            long entry = _ring[(int)(p & mask)];
            if (IsLive(entry))
            {
                ring[written++] = entry;
            }
        }

        _ring = ring;
        _head = 0;
        _tail = written;
    }
}
