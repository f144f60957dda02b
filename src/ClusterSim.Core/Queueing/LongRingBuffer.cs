namespace ClusterSim.Core.Queueing;

/// <summary>A growable FIFO of longs backed by one array; no allocation once grown.</summary>
public sealed class LongRingBuffer
{
    private long[] _items;
    private int _head;

    /// <summary>Creates a buffer with the given initial capacity.</summary>
    public LongRingBuffer(int capacity = 16) => _items = new long[Math.Max(4, capacity)];

    /// <summary>Number of queued items.</summary>
    public int Count { get; private set; }

    /// <summary>Appends at the tail.</summary>
    public void Enqueue(long item)
    {
        if (Count == _items.Length)
        {
            Grow();
        }

        _items[(_head + Count) % _items.Length] = item;
        Count++;
    }

    /// <summary>Inserts at the head (used when a preempted request goes back to the front).</summary>
    public void PushFront(long item)
    {
        if (Count == _items.Length)
        {
            Grow();
        }

        _head = (_head - 1 + _items.Length) % _items.Length;
        _items[_head] = item;
        Count++;
    }

    /// <summary>The head item without removing it.</summary>
    public long Peek() => Count > 0 ? _items[_head] : throw new InvalidOperationException("the queue is empty");

    /// <summary>The item <paramref name="index"/> places behind the head.</summary>
    public long At(int index) => (uint)index < (uint)Count ? _items[(_head + index) % _items.Length] : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>Inserts <paramref name="item"/> so that it becomes the item <paramref name="index"/> places behind the head (0: the head; Count: the tail).</summary>
    public void InsertAt(int index, long item)
    {
        if ((uint)index > (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }

        if (Count == _items.Length)
        {
            Grow();
        }

        // Shift the items behind the insertion point one place towards the tail.
        for (int i = Count; i > index; i--)
        {
            _items[(_head + i) % _items.Length] = _items[(_head + i - 1) % _items.Length];
        }

        _items[(_head + index) % _items.Length] = item;
        Count++;
    }

    /// <summary>Removes and returns the item <paramref name="index"/> places behind the head.</summary>
    public long RemoveAt(int index)
    {
        long item = At(index);
        for (int i = index; i < Count - 1; i++)
        {
            _items[(_head + i) % _items.Length] = _items[(_head + i + 1) % _items.Length];
        }

        Count--;
        return item;
    }

    /// <summary>Removes and returns the head item.</summary>
    public long Dequeue()
    {
        long item = Peek();
        _head = (_head + 1) % _items.Length;
        Count--;
        return item;
    }

    private void Grow()
    {
        var larger = new long[_items.Length * 2];
        for (int i = 0; i < Count; i++)
        {
            larger[i] = _items[(_head + i) % _items.Length];
        }

        _items = larger;
        _head = 0;
    }
}
