namespace ClusterSim.Core.Inference;

/// <summary>
/// Whole answers by query, least recently used evicted first, each valid for a fixed time after it was produced.
/// </summary>
internal sealed class ResponseCache(int entries, long ttlNanos)
{
    private readonly Dictionary<long, LinkedListNode<(long Key, long Expiry)>> _byKey = new(Math.Min(entries, 1 << 16));
    private readonly LinkedList<(long Key, long Expiry)> _recency = new();

    /// <summary>True when a valid answer to <paramref name="key"/> is cached at <paramref name="now"/> (it becomes the most recent).</summary>
    public bool TryHit(long key, long now)
    {
        if (!_byKey.TryGetValue(key, out var node))
        {
            return false;
        }

        if (node.Value.Expiry <= now)
        {
            _recency.Remove(node);
            _byKey.Remove(key);
            return false;
        }

        _recency.Remove(node);
        _recency.AddLast(node);
        return true;
    }

    /// <summary>Keeps the answer to <paramref name="key"/> produced at <paramref name="now"/>.</summary>
    public void Store(long key, long now)
    {
        if (entries == 0)
        {
            return;
        }

        // Nodes are reused once the cache is full, so a warm cache allocates nothing per request.
        if (_byKey.TryGetValue(key, out var node))
        {
            _recency.Remove(node);
        }
        else if (_byKey.Count == entries)
        {
            node = _recency.First!;
            _recency.RemoveFirst();
            _byKey.Remove(node.Value.Key);
        }
        else
        {
            node = new LinkedListNode<(long, long)>((key, 0));
        }

        node.Value = (key, now + ttlNanos);
        _recency.AddLast(node);
        _byKey[key] = node;
    }
}
