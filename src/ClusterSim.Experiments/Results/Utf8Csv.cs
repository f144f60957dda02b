using System.Buffers;
using System.Globalization;
using System.Text;
using ClusterSim.Core.Metrics;

namespace ClusterSim.Experiments.Results;

/// <summary>
/// A table of numbers as CSV, formatted straight into UTF-8 bytes (no text per number, no UTF-16 copy of the file):
/// a key column then one column per quantity, numbers round-trippable (<see cref="InvariantNumber"/>), an empty field
/// for a missing one.
/// </summary>
internal static class Utf8Csv
{
    /// <summary>The CSV's bytes, in <paramref name="into"/> (cleared first).</summary>
    public static void Write(ArrayBufferWriter<byte> into, string key, IReadOnlyList<double> keys, IReadOnlyList<SeriesColumn> columns)
    {
        into.ResetWrittenCount();
        Text(into, key);
        foreach (SeriesColumn c in columns)
        {
            Text(into, ",");
            Text(into, c.Name);
        }

        Text(into, "\n");
        for (int i = 0; i < keys.Count; i++)
        {
            Number(into, keys[i]);
            foreach (SeriesColumn c in columns)
            {
                Text(into, ",");
                Number(into, c.Values[i]);
            }

            Text(into, "\n");
        }
    }

    private static void Text(ArrayBufferWriter<byte> into, string text)
    {
        Span<byte> span = into.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        into.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    private static void Number(ArrayBufferWriter<byte> into, double value)
    {
        if (!double.IsFinite(value))
        {
            return;
        }

        Span<byte> span = into.GetSpan(32);
        if (IsPlainInteger(value))
        {
            // Counts and grid times: the integer's digits, which is what the round-trip format writes for them, faster.
            ((long)value).TryFormat(span, out int digits, default, CultureInfo.InvariantCulture);
            into.Advance(digits);
            return;
        }

        into.Advance(FormattedNumbers.Current.Write(value, span));
    }

    /// <summary>
    /// A whole number the round-trip format writes as plain digits: below 10¹⁵ in magnitude (a bound on the safe side of
    /// where it turns to an exponent; every such double is an exact integer) and not negative zero (written "-0").
    /// </summary>
    internal static bool IsPlainInteger(double value) =>
        Math.Abs(value) < 1e15 && value == Math.Floor(value) && !(value == 0 && double.IsNegative(value));
}
