using System.Globalization;

namespace ClusterSim.Experiments.Results;

/// <summary>
/// The round-trip text of recently written doubles, one cache per thread: a series repeats its values (a latency
/// percentile takes one of its sketch's bucket values, an occupancy one of a few hundred fractions), and copying the
/// bytes costs a small part of formatting them again. Direct-mapped by the value's bits; a value never formatted, or
/// displaced by another of the same slot, is formatted as usual. The text is the same either way.
/// </summary>
internal sealed class FormattedNumbers
{
    private const int SlotBits = 12;
    private const int SlotBytes = 32;   // the longest round-trip double ("-2.2250738585072014E-308") is 24

    [ThreadStatic]
    private static FormattedNumbers? _current;

    private readonly long[] _keys = new long[1 << SlotBits];
    private readonly byte[] _lengths = new byte[1 << SlotBits];
    private readonly byte[] _text = new byte[(1 << SlotBits) * SlotBytes];

    private FormattedNumbers() => Array.Fill(_keys, BitConverter.DoubleToInt64Bits(double.NaN));   // NaN is never formatted

    /// <summary>This thread's cache.</summary>
    public static FormattedNumbers Current => _current ??= new FormattedNumbers();

    /// <summary>Writes the round-trip text of a finite <paramref name="value"/> into <paramref name="into"/> (32 bytes at least); returns its length.</summary>
    public int Write(double value, Span<byte> into)
    {
        long bits = BitConverter.DoubleToInt64Bits(value);
        int slot = (int)((ulong)(bits * unchecked((long)0x9E3779B97F4A7C15)) >> (64 - SlotBits));
        Span<byte> cached = _text.AsSpan(slot * SlotBytes, SlotBytes);
        if (_keys[slot] == bits)
        {
            int length = _lengths[slot];
            cached[..length].CopyTo(into);
            return length;
        }

        if (!value.TryFormat(into, out int written, InvariantNumber.RoundTrip, CultureInfo.InvariantCulture) || written > SlotBytes)
        {
            throw new InvalidOperationException($"{value} did not fit {SlotBytes} bytes");
        }

        into[..written].CopyTo(cached);
        _lengths[slot] = (byte)written;
        _keys[slot] = bits;
        return written;
    }
}
