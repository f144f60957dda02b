using System.Numerics;

namespace ClusterSim.Core.Inference;

/// <summary>
/// A bounded set of 64-bit keys that forgets the least recently put key first, kept as a ring of puts in the order they
/// came: a key put again is written anew at the ring's tail and its earlier entry goes stale (an index keeps the place
/// of each key's latest entry). The oldest key is then found by reading forward from the ring's head, skipping stale
/// entries, where a linked recency list follows a link to a place the processor has long since evicted from its caches;
/// and a batch of puts (<see cref="PutAll"/>) knows in advance every index place it will probe, so it loads them all
/// first and their misses overlap instead of coming one after another. Nothing is allocated per put once the ring has
/// grown to about twice the keys held.
/// </summary>
internal sealed class RecencyRing
{
    private const int MaxLength = 1 << 30;

    private readonly BlockIndex _latest;   // key → ring place of its latest put
    private long[] _ring;
    private long _head, _tail;   // puts consumed and made so far: the ring holds entries head … tail − 1
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE0052", Justification = "Written so the JIT keeps the preloading loads; never read.")]
    private long _preloaded;

    /// <summary>An empty set that keeps at most <paramref name="capacity"/> keys (0 keeps none).</summary>
    public RecencyRing(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        Capacity = capacity;
        _latest = new BlockIndex(Math.Min(capacity, 1 << 16));
        _ring = new long[Math.Min(256, RingLength(capacity))];
    }

    /// <summary>Keys kept at most.</summary>
    public int Capacity { get; }

    /// <summary>Keys kept now.</summary>
    public int Count => _latest.Count;

    /// <summary>True when <paramref name="key"/> is kept.</summary>
    public bool Contains(long key) => _latest.ContainsKey(key);

    /// <summary>Keeps <paramref name="key"/> as the most recent, forgetting the least recently put key when that makes one too many.</summary>
    public void Put(long key)
    {
        if (Capacity == 0)
        {
            return;
        }

        if (_tail - _head == _ring.Length)
        {
            Repack();
        }

        int place = (int)(_tail & (_ring.Length - 1));
        _ring[place] = key;
        _tail++;
        _latest.GetValueRefOrAddDefault(key, out bool kept) = place;
        if (!kept && _latest.Count > Capacity)
        {
            ForgetOldest();
        }
    }

    /// <summary><see cref="Put"/> for each of <paramref name="keys"/> in turn, the index places they probe loaded first.</summary>
    public void PutAll(ReadOnlySpan<long> keys)
    {
        if (Capacity == 0)
        {
            return;
        }

        if (keys.Length > 1)
        {
            Preload(keys);
        }

        foreach (long key in keys)
        {
            Put(key);
        }
    }

    /// <summary>
    /// Reads the index place where each key's probe starts and, when the puts will forget keys, the places of the
    /// oldest entries' keys: independent loads, so the processor fetches them together, and the puts then find them in
    /// its cache. (Stale entries among the oldest make a few of those loads useless; nothing depends on them.)
    /// </summary>
    private void Preload(ReadOnlySpan<long> keys)
    {
        long read = 0;
        foreach (long key in keys)
        {
            read ^= _latest.LoadHome(key);
        }

        long forgotten = Math.Min(_tail - _head, (long)_latest.Count + keys.Length - Capacity);
        int mask = _ring.Length - 1;
        for (long p = _head; p < _head + forgotten; p++)
        {
            read ^= _latest.LoadHome(_ring[(int)(p & mask)]);
        }

        _preloaded = read;
    }

    /// <summary>Drops the least recently put key: the first entry from the head that is still its key's latest.</summary>
    private void ForgetOldest()
    {
        int mask = _ring.Length - 1;
        while (true)
        {
            int place = (int)(_head & mask);
            long key = _ring[place];
            _head++;
            if (_latest.TryGetValue(key, out int latest) && latest == place)
            {
                _latest.Remove(key);
                return;
            }
        }
    }

    /// <summary>
    /// The ring is full of entries: copies the live ones, in order, to the front of a ring twice their number (at least
    /// half of it then free, so repacking costs a constant per put) and points the index at their new places.
    /// </summary>
    private void Repack()
    {
        var ring = new long[RingLength(_latest.Count)];
        int mask = _ring.Length - 1;
        int written = 0;
        for (long p = _head; p < _tail; p++)
        {
            int place = (int)(p & mask);
            long key = _ring[place];
            if (_latest.TryGetValue(key, out int latest) && latest == place)
            {
                ring[written] = key;
                _latest.GetValueRefOrAddDefault(key, out _) = written;
                written++;
            }
        }

        if (written == ring.Length)
        {
            throw new InvalidOperationException($"a recency ring cannot hold more than {MaxLength / 2:N0} keys");
        }

        _ring = ring;
        _head = 0;
        _tail = written;
    }

    /// <summary>A power of two at least twice <paramref name="keys"/> and at least 16.</summary>
    private static int RingLength(int keys) =>
        (int)Math.Min(MaxLength, BitOperations.RoundUpToPowerOf2((ulong)Math.Max(8L, keys) * 2));
}
