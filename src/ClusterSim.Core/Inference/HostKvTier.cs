namespace ClusterSim.Core.Inference;

/// <summary>
/// KV blocks offloaded to host memory when the prefix cache evicts them: identities only, least recently offloaded
/// dropped first when full. A hit here is copied back over the host link instead of recomputed.
/// </summary>
public sealed class HostKvTier(int capacityBlocks)
{
    private readonly Dictionary<long, LinkedListNode<long>> _blocks = new();
    private readonly LinkedList<long> _recency = new();

    /// <summary>Blocks the tier can hold.</summary>
    public int Capacity { get; } = capacityBlocks;

    /// <summary>Blocks held now.</summary>
    public int Count => _blocks.Count;

    /// <summary>True when the tier holds the block.</summary>
    public bool Contains(long key) => _blocks.ContainsKey(key);

    /// <summary>Keeps a block evicted from the device (it becomes the most recent; the oldest goes when full).</summary>
    public void Offload(long key)
    {
        if (Capacity == 0)
        {
            return;
        }

        // Nodes are reused once the tier is full, so a warm tier allocates nothing.
        if (_blocks.TryGetValue(key, out var node))
        {
            _recency.Remove(node);
        }
        else if (_blocks.Count == Capacity)
        {
            node = _recency.First!;
            _recency.RemoveFirst();
            _blocks.Remove(node.Value);
            node.Value = key;
        }
        else
        {
            node = new LinkedListNode<long>(key);
        }

        _recency.AddLast(node);
        _blocks[key] = node;
    }
}
