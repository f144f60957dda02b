namespace ClusterSim.Core.Inference;

/// <summary>
/// KV blocks offloaded to host memory when the prefix cache evicts them: identities only, least recently offloaded
/// dropped first when full. A hit here is copied back over the host link instead of recomputed.
/// </summary>
public sealed class HostKvTier(int capacityBlocks)
{
    private readonly RecencyRing _blocks = new(capacityBlocks);

    /// <summary>Blocks the tier can hold.</summary>
    public int Capacity => _blocks.Capacity;

    /// <summary>Blocks held now.</summary>
    public int Count => _blocks.Count;

    /// <summary>True when the tier holds the block.</summary>
    public bool Contains(long key) => _blocks.Contains(key);

    /// <summary>Counts every change to which blocks the tier holds.</summary>
    public long Version { get; private set; }

    /// <summary>Keeps a block evicted from the device (it becomes the most recent; the oldest goes when full).</summary>
    public void Offload(long key)
    {
        _blocks.Put(key);
        Version++;
    }

    /// <summary><see cref="Offload"/> for each of <paramref name="keys"/> in turn (a run of evictions), their table places loaded together first.</summary>
    public void OffloadAll(ReadOnlySpan<long> keys)
    {
        _blocks.PutAll(keys);
        Version += keys.Length;
    }
}
