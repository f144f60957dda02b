namespace ClusterSim.Core.Inference;

/// <summary>
/// Values by key, at most <see cref="Capacity"/> of them, the least recently put or touched dropped first. Nodes are
/// reused once the table is full, so a warm table allocates nothing.
/// </summary>
internal sealed class LruTable<TValue>(int capacity)
{
    private readonly Dictionary<long, LinkedListNode<(long Key, TValue Value)>> _nodes = new(Math.Min(capacity, 1 << 16));
    private readonly LinkedList<(long Key, TValue Value)> _recency = new();

    /// <summary>Entries kept at most; 0 keeps nothing.</summary>
    public int Capacity { get; } = capacity;

    /// <summary>Entries kept now.</summary>
    public int Count => _nodes.Count;

    /// <summary>The value kept under <paramref name="key"/>, without changing its recency.</summary>
    public bool TryGetValue(long key, out TValue value)
    {
        bool found = _nodes.TryGetValue(key, out var node);
        value = found ? node!.Value.Value : default!;
        return found;
    }

    /// <summary>Makes <paramref name="key"/> the most recent entry.</summary>
    public void Touch(long key)
    {
        var node = _nodes[key];
        _recency.Remove(node);
        _recency.AddLast(node);
    }

    /// <summary>Forgets <paramref name="key"/>.</summary>
    public void Remove(long key)
    {
        if (_nodes.Remove(key, out var node))
        {
            _recency.Remove(node);
        }
    }

    /// <summary>Keeps <paramref name="value"/> under <paramref name="key"/> as the most recent entry, dropping the oldest when full.</summary>
    public void Put(long key, TValue value)
    {
        if (Capacity == 0)
        {
            return;
        }

        if (_nodes.TryGetValue(key, out var node))
        {
            _recency.Remove(node);
        }
        else if (_nodes.Count == Capacity)
        {
            node = _recency.First!;
            _recency.RemoveFirst();
            _nodes.Remove(node.Value.Key);
        }
        else
        {
            node = new LinkedListNode<(long, TValue)>((key, value));
        }

        node.Value = (key, value);
        _recency.AddLast(node);
        _nodes[key] = node;
    }
}
