using System.Buffers;
using System.Globalization;
using System.Text;
using ClusterSim.Core.Metrics;
using ClusterSim.Experiments.Results;

namespace ClusterSim.Experiments.Tests.Results;

public class Utf8CsvTests
{
    [Fact]
    public void Writes_every_number_as_the_round_trip_format_does_first_time_or_again()
    {
        // Whole numbers take a faster path: it must give the same text, up to and across the exponent's threshold.
        double[] values =
        [
            0, -0.0, 1, -1, 10, 120, 999_999_999_999_999, -999_999_999_999_999, 1e15, -1e15, 1e15 + 2, 123_456_789_012_345,
            1e16, 2.5, -2.5, 0.1, 1e-7, 0.5525606469002695, 4503599627370496, 9007199254740993, 1e300, double.Epsilon,
        ];
        var random = new Random(5);
        double[] drawn = [.. Enumerable.Range(0, 2_000).Select(_ => Math.Round(Math.Exp(random.NextDouble() * 80) * (random.Next(2) * 2 - 1)))];
        double[] fractions = [.. Enumerable.Range(0, 20_000).Select(_ => random.Next(3) == 0 ? random.NextDouble() * 1e-3 : Math.Round(random.NextDouble(), 3))];
        // Each value more than once (repeats come from this thread's cache of formatted numbers, some slots shared).
        double[] all = [.. values, .. drawn, .. fractions, .. fractions, .. values, double.NaN, double.PositiveInfinity];

        var into = new ArrayBufferWriter<byte>();
        Utf8Csv.Write(into, "k", all, [new SeriesColumn("v", "", all)]);

        string expected = "k,v\n" + string.Concat(all.Select(v => $"{InvariantNumber.Format(v)},{InvariantNumber.Format(v)}\n"));
        Assert.Equal(expected, Encoding.UTF8.GetString(into.WrittenSpan));
        Assert.Equal("-0", (-0.0).ToString(InvariantNumber.RoundTrip, CultureInfo.InvariantCulture));   // why negative zero keeps the slow path
    }
}
