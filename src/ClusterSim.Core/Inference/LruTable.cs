namespace ClusterSim.Core.Inference;

/// <summary>
/// A bounded map from 64-bit keys to values that drops its least recently put entry when full. Entries live in slots
/// of parallel arrays linked in recency order, found through one hash lookup per operation; nothing is allocated per
/// entry once the arrays have grown.
/// </summary>
internal sealed class LruTable<TValue>(int capacity)
{
    private readonly BlockIndex _slots = new(Math.Min(capacity, 1 << 16));
    private long[] _key = new long[Math.Clamp(capacity, 1, 256)];
    private TValue[] _value = new TValue[Math.Clamp(capacity, 1, 256)];
    private readonly RecencyList _recency = new(Math.Clamp(capacity, 1, 256));
    private int[] _freeSlots = new int[Math.Clamp(capacity, 1, 256)];   // slots freed by Remove
    private int _freeCount;
    private int _used;

    /// <summary>Entries kept at most; 0 keeps nothing.</summary>
    public int Capacity { get; } = capacity;

    /// <summary>Entries kept now.</summary>
    public int Count => _slots.Count;

    /// <summary>The value kept under <paramref name="key"/>, without changing its recency.</summary>
    public bool TryGetValue(long key, out TValue value)
    {
        bool found = _slots.TryGetValue(key, out int slot);
        value = found ? _value[slot] : default!;
        return found;
    }

    /// <summary>Makes <paramref name="key"/> the most recent entry.</summary>
    public void Touch(long key)
    {
        int slot = _slots[key];
        _recency.Unlink(slot);
        _recency.Append(slot);
    }

    /// <summary>Forgets <paramref name="key"/>.</summary>
    public void Remove(long key)
    {
        if (_slots.Remove(key, out int slot))
        {
            _recency.Unlink(slot);
            _freeSlots[_freeCount++] = slot;
        }
    }

    /// <summary>Keeps <paramref name="value"/> under <paramref name="key"/> as the most recent entry, dropping the oldest when full.</summary>
    public void Put(long key, TValue value)
    {
        if (Capacity == 0)
        {
            return;
        }

        ref int slot = ref _slots.GetValueRefOrAddDefault(key, out bool exists);
        if (exists)
        {
            _recency.Unlink(slot);
        }
        else if (_slots.Count > Capacity)
        {
            // Full before this key came: the oldest entry's slot is reused for it.
            int oldest = _recency.Oldest;
            _recency.Unlink(oldest);
            _slots.Remove(_key[oldest]);
            slot = ref _slots.GetValueRefOrAddDefault(key, out _);   // removing may have moved this key's place
            slot = oldest;
        }
        else
        {
            slot = NewSlot();
        }

        int s = slot;
        _key[s] = key;
        _value[s] = value;
        _recency.Append(s);
    }

    private int NewSlot()
    {
        if (_freeCount > 0)
        {
            return _freeSlots[--_freeCount];
        }

        if (_used == _key.Length)
        {
            int size = (int)Math.Min((long)_key.Length * 2, Math.Max(Capacity, 1));
            Array.Resize(ref _key, size);
            Array.Resize(ref _value, size);
            Array.Resize(ref _freeSlots, size);
            _recency.Grow(size);
        }

        return _used++;
    }
}
