using System.Diagnostics;
using System.Runtime.Intrinsics;

namespace ClusterSim.Core.Metrics;

/// <summary>
/// A streaming quantile sketch with bounded relative error (log-spaced buckets, as in DDSketch): any
/// reported quantile of positive values is within <see cref="RelativeError"/> of a true sample quantile.
/// Fixed memory, no allocation per value, mergeable.
/// </summary>
public sealed class QuantileSketch
{
    private readonly double _gamma;
    private readonly double _logGamma;
    private readonly double _minValue;
    private long[] _counts = [];   // allocated with the first value that needs a bucket (many sketches of a run take none)
    private readonly int _buckets;
    private long _zeros;
    private readonly (double[] Lower, double[] Upper) _interiors;
    private readonly double _log2Min, _bucketsPerOctave;
    private Int128 _nanosSum;   // of the values added as whole nanoseconds
    private double _valueSum;   // of the others
    private int _lowest = int.MaxValue, _highest = -1;   // buckets outside [lowest, highest] are zero
    private int _memoIndex;
    private double _memoLower = double.PositiveInfinity, _memoUpper = double.NegativeInfinity;   // the last bucket's safe interior (empty at first)

    /// <summary>Creates a sketch for values in [<paramref name="minValue"/>, <paramref name="maxValue"/>] (smaller values count as that minimum).</summary>
    public QuantileSketch(double relativeError = 0.005, double minValue = 1e-6, double maxValue = 1e7)
    {
        if (relativeError is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(relativeError));
        }

        RelativeError = relativeError;
        _gamma = (1 + relativeError) / (1 - relativeError);
        _logGamma = Math.Log(_gamma);
        _minValue = minValue;
        _buckets = (int)Math.Ceiling(Math.Log(maxValue / minValue) / _logGamma) + 2;
        _interiors = Interiors(minValue, _logGamma, _buckets);
        _log2Min = Math.Log2(minValue);
        _bucketsPerOctave = Math.Log(2) / _logGamma;
    }

    /// <summary>The guaranteed relative accuracy of quantiles.</summary>
    public double RelativeError { get; }

    /// <summary>Values added.</summary>
    public long Count { get; private set; }

    /// <summary>Sum of values added: those added as whole nanoseconds summed exactly, then the others'.</summary>
    /// <remarks>
    /// Durations added as whole nanoseconds (<see cref="AddNanos"/>) are summed exactly, so their sum and mean do not
    /// depend on the order they came in (a macro-step records its iterations' gaps when it ends, interleaved otherwise
    /// with other replicas' than stepping one iteration at a time would).
    /// </remarks>
    public double Sum => (double)_nanosSum / 1e9 + _valueSum;

    /// <summary>Largest value added.</summary>
    public double Max { get; private set; }

    /// <summary>Mean of the values added.</summary>
    public double Mean => Count == 0 ? double.NaN : Sum / Count;

    /// <summary>Adds a duration of <paramref name="nanos"/> ns (recorded in seconds) <paramref name="weight"/> times, its sum kept exactly.</summary>
    public void AddNanos(long nanos, long weight = 1)
    {
        _nanosSum += (Int128)nanos * weight;
        Tally(Engine.SimTime.ToSeconds(nanos), weight);
    }

    /// <summary>Adds a value <paramref name="weight"/> times.</summary>
    public void Add(double value, long weight = 1)
    {
        _valueSum += value * weight;
        Tally(value, weight);
    }

    /// <summary>
    /// <see cref="AddNanos"/> for each of <paramref name="nanos"/> (their absolute values) in turn, the same outcome to the
    /// last bit; a stretch of values in one bucket costs an integer comparison each (the bucket's count, the sum and the
    /// maximum are settled once per stretch).
    /// </summary>
    public void AddNanosRun(ReadOnlySpan<long> nanos, long weight)
    {
        int i = 0;
        while (i < nanos.Length)
        {
            long first = Math.Abs(nanos[i++]);
            AddNanos(first, weight);   // settles (and remembers) this value's bucket
            double seconds = Engine.SimTime.ToSeconds(first);
            if (!(seconds > _memoLower && seconds < _memoUpper))
            {
                continue;   // an edge bucket, never remembered
            }

            // Whole nanoseconds safely inside the remembered interior (a nanosecond in from where it is in seconds).
            long low = (long)Math.Ceiling(_memoLower * 1e9) + 1, high = (long)Math.Floor(_memoUpper * 1e9) - 1;
            long largest = first, total = 0;
            int from = i;
            for (; i < nanos.Length; i++)
            {
                long d = Math.Abs(nanos[i]);
                if (d < low || d > high)
                {
                    break;
                }

                total += d;   // at most the stretch's own length, so no overflow
                largest = Math.Max(largest, d);
            }

            long added = (long)(i - from) * weight;
            _nanosSum += (Int128)total * weight;
            Count += added;
            _counts[_memoIndex] += added;
            Max = Math.Max(Max, Engine.SimTime.ToSeconds(largest));
        }
    }

    /// <summary>
    /// <see cref="AddNanosRun"/> for values whose absolute values never decrease (the iterations of a decode stretch, whose
    /// contexts only grow), the same outcome to the last bit: the sum is one vector pass, and where a bucket's values end
    /// is found by a galloping search rather than a comparison per value.
    /// </summary>
    public void AddNanosRising(ReadOnlySpan<long> nanos, long weight)
    {
        Debug.Assert(IsRising(nanos), "values never decrease");
        _nanosSum += (Int128)Engine.SignedNanos.SumOfAbsolutes(nanos) * weight;
        int i = 0;
        while (i < nanos.Length)
        {
            long first = Math.Abs(nanos[i++]);
            double seconds = Engine.SimTime.ToSeconds(first);
            Tally(seconds, weight);   // settles (and remembers) this value's bucket
            if (!(seconds > _memoLower && seconds < _memoUpper))
            {
                continue;   // an edge bucket, never remembered
            }

            // Every later value up to a nanosecond inside the interior's top is in this bucket too (none is below the first).
            int end = FirstAbove(nanos, i, (long)Math.Floor(_memoUpper * 1e9) - 1);
            if (end > i)
            {
                long added = (long)(end - i) * weight;
                Count += added;
                _counts[_memoIndex] += added;
                Max = Math.Max(Max, Engine.SimTime.ToSeconds(Math.Abs(nanos[end - 1])));
                i = end;
            }
        }
    }

    /// <summary>The first index from <paramref name="from"/> whose absolute value passes <paramref name="limit"/> (values never decrease): gallop, then bisect.</summary>
    private static int FirstAbove(ReadOnlySpan<long> rising, int from, long limit)
    {
        int low = from, step = 1;
        int high = from;
        while (high < rising.Length && Math.Abs(rising[high]) <= limit)
        {
            low = high + 1;
            high = from + step;
            step *= 2;
        }

        high = Math.Min(high, rising.Length);
        while (low < high)
        {
            int middle = (low + high) >>> 1;
            if (Math.Abs(rising[middle]) <= limit)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    private static bool IsRising(ReadOnlySpan<long> values)
    {
        for (int i = 1; i < values.Length; i++)
        {
            if (Math.Abs(values[i]) < Math.Abs(values[i - 1]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Counts a value into its bucket (the sums are the callers').</summary>
    private void Tally(double value, long weight)
    {
        Count += weight;
        if (value > Max)
        {
            Max = value;
        }

        if (value <= 0)
        {
            _zeros += weight;
            return;
        }

        if (value > _memoLower && value < _memoUpper)
        {
            _counts[_memoIndex] += weight;
            return;
        }

        int index = BucketOf(value);
        Counts()[index] += weight;
        Touch(index, index);
        Remember(index);
    }

    /// <summary>The bucket counts, allocated on first use.</summary>
    private long[] Counts() => _counts.Length != 0 ? _counts : _counts = new long[_buckets];

    /// <summary>
    /// The bucket of <paramref name="value"/>: ⌈ln(value/min)/ln γ⌉, clamped to the table (0 at or below the minimum).
    /// A base-2 logarithm from the exponent and a table of the mantissa's (error under 2·10⁻⁷, a few millionths of a
    /// bucket) gives the candidate; a value safely inside it (see <see cref="Interiors"/>) is in it by the exact formula
    /// too, and only the rare value within reach of an edge takes <see cref="Math.Log(double)"/>.
    /// </summary>
    internal int BucketOf(double value)
    {
        if (value <= _minValue)
        {
            return 0;
        }

        int candidate = (int)Math.Ceiling((Log2(value) - _log2Min) * _bucketsPerOctave);
        if (candidate > 0 && candidate < _buckets - 1 && value > _interiors.Lower[candidate] && value < _interiors.Upper[candidate])
        {
            return candidate;
        }

        return Math.Min(_buckets - 1, (int)Math.Ceiling(Math.Log(value / _minValue) / _logGamma));
    }

    /// <summary>log₂ of a positive normal double: its exponent, plus the mantissa's from a table, linearly interpolated.</summary>
    private static double Log2(double value)
    {
        long bits = BitConverter.DoubleToInt64Bits(value);
        int exponent = (int)((bits >> 52) & 0x7FF) - 1023;
        long mantissa = bits & 0xF_FFFF_FFFF_FFFF;
        int slot = (int)(mantissa >> (52 - MantissaTableBits));
        double within = (mantissa & ((1L << (52 - MantissaTableBits)) - 1)) * (1.0 / (1L << (52 - MantissaTableBits)));
        double low = MantissaLog2[slot];
        return exponent + low + ((MantissaLog2[slot + 1] - low) * within);
    }

    private const int MantissaTableBits = 10;

    /// <summary>log₂(1 + k/1024) for k = 0…1024.</summary>
    private static readonly double[] MantissaLog2 = [.. Enumerable.Range(0, (1 << MantissaTableBits) + 1).Select(k => Math.Log2(1 + (k / (double)(1 << MantissaTableBits))))];

    /// <summary>Widens the range of buckets that may hold counts (quantiles scan it, a clear zeroes it).</summary>
    private void Touch(int low, int high)
    {
        _lowest = Math.Min(_lowest, low);
        _highest = Math.Max(_highest, high);
    }

    /// <summary>Keeps bucket <paramref name="index"/>'s safe interior (see <see cref="Interiors"/>), so a run of close values skips the logarithm.</summary>
    private void Remember(int index)
    {
        if (index <= 0 || index >= _buckets - 1)
        {
            return;
        }

        _memoIndex = index;
        _memoLower = _interiors.Lower[index];
        _memoUpper = _interiors.Upper[index];
    }

    /// <summary>
    /// Each bucket's interior, shrunk by a part in 10⁹ at each end: any value strictly inside lands in that bucket by the
    /// logarithm too (its rounding error is some 10⁻¹³ of a bucket), so the counts are the same with or without the memo.
    /// One table per configuration, shared by every sketch of it.
    /// </summary>
    private static (double[] Lower, double[] Upper) Interiors(double minValue, double logGamma, int buckets) =>
        InteriorTables.GetOrAdd((minValue, logGamma, buckets), static key =>
        {
            (double min, double log, int n) = key;
            var lower = new double[n];
            var upper = new double[n];
            for (int i = 1; i < n; i++)
            {
                lower[i] = min * Math.Exp((i - 1) * log) * (1 + MemoMargin);
                upper[i] = min * Math.Exp(i * log) * (1 - MemoMargin);
            }

            return (lower, upper);
        });

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(double, double, int), (double[] Lower, double[] Upper)> InteriorTables = new();
    private const double MemoMargin = 1e-9;

    /// <summary>The <paramref name="q"/>-quantile (0..1); NaN when empty.</summary>
    public double Quantile(double q)
    {
        if (Count == 0)
        {
            return double.NaN;
        }

        long rank = (long)Math.Floor(q * (Count - 1));
        if (rank < _zeros)
        {
            return 0;
        }

        long seen = _zeros;
        for (int i = _lowest; i <= _highest; i++)
        {
            seen += _counts[i];
            if (seen > rank)
            {
                // The bucket covers (min·γ^(i-1), min·γ^i]; its midpoint in relative terms is within the error bound.
                double upper = _minValue * Math.Pow(_gamma, i);
                return Math.Min(Max, 2 * upper / (_gamma + 1));
            }
        }

        return Max;
    }

    /// <summary>Forgets every value (for a sketch reused window after window): only the buckets ever counted into are cleared.</summary>
    public void Clear()
    {
        if (_highest >= _lowest)
        {
            Array.Clear(_counts, _lowest, _highest - _lowest + 1);
        }

        _lowest = int.MaxValue;
        _highest = -1;
        _memoLower = double.PositiveInfinity;   // a remembered bucket is one counted into: forget it with the counts
        _memoUpper = double.NegativeInfinity;
        _zeros = 0;
        _nanosSum = 0;
        _valueSum = 0;
        Count = 0;
        Max = 0;
    }

    /// <summary>Adds every value of <paramref name="other"/> (same configuration) to this sketch.</summary>
    public void Merge(QuantileSketch other)
    {
        if (other._buckets != _buckets || other.RelativeError != RelativeError)
        {
            throw new ArgumentException("sketches must share their configuration to merge");
        }

        if (other._highest >= other._lowest)
        {
            long[] counts = Counts();
            for (int i = other._lowest; i <= other._highest; i++)
            {
                counts[i] += other._counts[i];
            }
        }

        Touch(other._lowest, other._highest);

        _zeros += other._zeros;
        _nanosSum += other._nanosSum;
        _valueSum += other._valueSum;
        Count += other.Count;
        Max = Math.Max(Max, other.Max);
    }
}
