using System.Diagnostics;

namespace ClusterSim.Core.Inference;

/// <summary>
/// A replica's prefix cache (vLLM's automatic prefix caching): KV blocks identified by what they hold, reference-counted
/// by the sequences using them, and kept after their last user leaves until the space is needed, least recently used
/// first. It only tracks identities and counts; the replica's block accounting decides when to evict.
/// </summary>
public sealed class PrefixCache(HostKvTier? host = null)
{
    private readonly BlockIndex _slots = new(256);
    private long[] _key = new long[256];
    private int[] _references = new int[256];
    private readonly RecencyList _recency = new(256);
    private int[] _freeSlots = new int[256];
    private int _freeCount;
    private long[] _evicted = new long[host is null ? 0 : 256];   // the keys of the run being evicted, for the host tier
    private int _used;

    /// <summary>Where evicted blocks go instead of being forgotten; null without KV offload.</summary>
    public HostKvTier? Host => host;

    /// <summary>Cached blocks no running sequence uses: free space that still holds a prefix.</summary>
    public int Evictable { get; private set; }

    /// <summary>Counts every change to which blocks are cached or evictable, so an admission plan can tell it is still current.</summary>
    public long Version { get; private set; }

    /// <summary>Blocks in the cache, used or not.</summary>
    public int Count => _slots.Count;

    /// <summary>True when the block is cached.</summary>
    public bool Contains(long key) => _slots.ContainsKey(key);

    /// <summary>True when the block is cached and no sequence uses it (pinning it takes a free block).</summary>
    public bool IsEvictable(long key) => _slots.TryGetValue(key, out int slot) && _references[slot] == 0;

    /// <summary>True when the block is cached, and then whether it is evictable: <see cref="Contains"/> and <see cref="IsEvictable"/> in one lookup.</summary>
    public bool TryFind(long key, out bool evictable)
    {
        bool found = _slots.TryGetValue(key, out int slot);
        evictable = found && _references[slot] == 0;
        return found;
    }

    /// <summary>A sequence starts using a cached block; returns the block's slot, which stays its own while pinned (see <see cref="UnpinAt"/>).</summary>
    public int Pin(long key)
    {
        int slot = _slots[key];
        if (_references[slot]++ == 0)
        {
            Version++;
            _recency.Unlink(slot);
            Evictable--;
        }

        return slot;
    }

    /// <summary>A sequence computed a block nobody cached: it enters the cache used by that sequence. False when already cached.</summary>
    public bool TryAdd(long key) => TryAdd(key, out _);

    /// <summary><see cref="TryAdd(long)"/>, giving the new block's slot (see <see cref="UnpinAt"/>).</summary>
    public bool TryAdd(long key, out int slot)
    {
        ref int entry = ref _slots.GetValueRefOrAddDefault(key, out bool exists);
        if (exists)
        {
            slot = -1;
            return false;
        }

        slot = NewSlot();
        entry = slot;
        _key[slot] = key;
        _references[slot] = 1;
        Version++;
        return true;
    }

    /// <summary>A sequence stops using a block; true when no sequence uses it any more (it became evictable).</summary>
    public bool Unpin(long key) => UnpinAt(_slots[key]);

    /// <summary>
    /// <see cref="Unpin"/> by the slot <see cref="Pin"/> or <see cref="TryAdd(long, out int)"/> gave: a pinned block
    /// cannot be evicted, so its slot is still its own, and the index lookup (a miss, for a request admitted long ago) is saved.
    /// </summary>
    public bool UnpinAt(int slot)
    {
        Debug.Assert(_references[slot] > 0, "a block is unpinned only by a sequence that pinned it");
        if (--_references[slot] > 0)
        {
            return false;
        }

        _recency.Append(slot);
        Evictable++;
        Version++;
        return true;
    }

    /// <summary>Forgets the <paramref name="count"/> least recently used evictable blocks (their space is being reused).</summary>
    public void Evict(int count)
    {
        Debug.Assert(count <= Evictable, "only evictable blocks are evicted");
        if (host is not null && _evicted.Length < count)
        {
            _evicted = new long[Math.Max(count, _evicted.Length * 2)];
        }

        for (int i = 0; i < count; i++)
        {
            int slot = _recency.Oldest;
            _recency.Unlink(slot);
            _slots.Remove(_key[slot]);
            if (host is not null)
            {
                _evicted[i] = _key[slot];
            }

            _freeSlots[_freeCount++] = slot;
            Evictable--;
            Version++;
        }

        // The host tier takes the run at once, in the same order, so it can load its table's places together.
        host?.OffloadAll(_evicted.AsSpan(0, count));
    }

    private int NewSlot()
    {
        if (_freeCount > 0)
        {
            return _freeSlots[--_freeCount];
        }

        if (_used == _key.Length)
        {
            int size = _key.Length * 2;
            Array.Resize(ref _key, size);
            Array.Resize(ref _references, size);
            _recency.Grow(size);
            Array.Resize(ref _freeSlots, size);
        }

        return _used++;
    }
}
