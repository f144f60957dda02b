using System.Runtime.CompilerServices;

namespace ClusterSim.Core.Inference;

/// <summary>
/// A map from 64-bit keys (KV block identities, question ids) to slot numbers, by open addressing: one array of keys
/// and one of slots, linear probing from a Fibonacci hash, at most half full, deletion by shifting the run back (no
/// tombstones). One probe sequence per operation over contiguous memory, where a <see cref="Dictionary{TKey,TValue}"/>
/// goes through a bucket array to an entry array. <see cref="long.MinValue"/> marks an empty place and is not a key.
/// </summary>
internal sealed class BlockIndex
{
    private const long Empty = long.MinValue;

    private long[] _keys;
    private int[] _values;
    private int _shift;

    /// <summary>An empty index sized for about <paramref name="expected"/> keys before it first grows.</summary>
    public BlockIndex(int expected = 16)
    {
        int capacity = 16;
        while (capacity < expected * 2L && capacity < (1 << 30))
        {
            capacity <<= 1;
        }

        _keys = new long[capacity];
        Array.Fill(_keys, Empty);
        _values = new int[capacity];
        _shift = 64 - System.Numerics.BitOperations.Log2((uint)capacity);
    }

    /// <summary>Keys held.</summary>
    public int Count { get; private set; }

    /// <summary>The slot kept under <paramref name="key"/>; none under <see cref="long.MinValue"/>, which is not a key (an empty place would match it).</summary>
    public bool TryGetValue(long key, out int value)
    {
        value = 0;
        if (key == Empty)
        {
            return false;
        }

        int mask = _keys.Length - 1;
        for (int i = Home(key); ; i = (i + 1) & mask)
        {
            long k = _keys[i];
            if (k == key)
            {
                value = _values[i];
                return true;
            }

            if (k == Empty)
            {
                value = 0;
                return false;
            }
        }
    }

    /// <summary>True when <paramref name="key"/> is held.</summary>
    public bool ContainsKey(long key) => TryGetValue(key, out _);

    /// <summary>The slot kept under <paramref name="key"/>; throws when it is not held.</summary>
    public int this[long key] => TryGetValue(key, out int value) ? value : throw new KeyNotFoundException($"block {key} is not in the index");

    /// <summary>A reference to the value under <paramref name="key"/>, added (as 0) when it was not held.</summary>
    public ref int GetValueRefOrAddDefault(long key, out bool exists)
    {
        if (key == Empty)
        {
            throw new ArgumentOutOfRangeException(nameof(key), "long.MinValue marks an empty place and cannot be a key");
        }

        if ((Count + 1) * 2 > _keys.Length)
        {
            Grow();
        }

        int mask = _keys.Length - 1;
        for (int i = Home(key); ; i = (i + 1) & mask)
        {
            long k = _keys[i];
            if (k == key)
            {
                exists = true;
                return ref _values[i];
            }

            if (k == Empty)
            {
                _keys[i] = key;
                _values[i] = 0;
                Count++;
                exists = false;
                return ref _values[i];
            }
        }
    }

    /// <summary>Forgets <paramref name="key"/>; false when it was not held.</summary>
    public bool Remove(long key) => Remove(key, out _);

    /// <summary>Forgets <paramref name="key"/> and gives its slot; false when it was not held.</summary>
    public bool Remove(long key, out int value)
    {
        int mask = _keys.Length - 1;
        int i = Home(key);
        while (_keys[i] != key)
        {
            if (_keys[i] == Empty)
            {
                value = 0;
                return false;
            }

            i = (i + 1) & mask;
        }

        value = _values[i];
        // Shift later members of the run back over the hole unless they already sit at or past their home.
        for (int j = (i + 1) & mask; _keys[j] != Empty; j = (j + 1) & mask)
        {
            int home = Home(_keys[j]);
            bool movable = i <= j ? (home <= i || home > j) : (home <= i && home > j);
            if (movable)
            {
                _keys[i] = _keys[j];
                _values[i] = _values[j];
                i = j;
            }
        }

        _keys[i] = Empty;
        Count--;
        return true;
    }

    /// <summary>
    /// Reads the key and the slot held where a probe for <paramref name="key"/> starts (their bits mixed, to be kept by
    /// the caller): that brings the place into the processor's cache ahead of an operation on <paramref name="key"/>.
    /// </summary>
    public long LoadHome(long key)
    {
        int home = Home(key);
        return _keys[home] ^ _values[home];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Home(long key) => (int)(((ulong)key * 0x9E3779B97F4A7C15UL) >> _shift);

    private void Grow()
    {
        long[] keys = _keys;
        int[] values = _values;
        _keys = new long[keys.Length * 2];
        Array.Fill(_keys, Empty);
        _values = new int[keys.Length * 2];
        _shift--;
        int mask = _keys.Length - 1;
        for (int s = 0; s < keys.Length; s++)
        {
            if (keys[s] == Empty)
            {
                continue;
            }

            int i = Home(keys[s]);
            while (_keys[i] != Empty)
            {
                i = (i + 1) & mask;
            }

            _keys[i] = keys[s];
            _values[i] = values[s];
        }
    }
}
