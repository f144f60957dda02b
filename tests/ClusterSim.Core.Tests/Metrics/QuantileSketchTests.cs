using ClusterSim.Core.Engine;
using ClusterSim.Core.Metrics;

namespace ClusterSim.Core.Tests.Metrics;

public class QuantileSketchTests
{
    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.99)]
    public void Quantiles_are_within_the_stated_relative_error_of_exact_ones(double q)
    {
        var stream = new RandomStreams(3).For("sketch");
        var sketch = new QuantileSketch(relativeError: 0.01);
        var values = new double[50_000];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = stream.LogNormal(-2, 1.2);
            sketch.Add(values[i]);
        }

        Array.Sort(values);
        double exact = values[(int)Math.Floor(q * (values.Length - 1))];
        Assert.InRange(sketch.Quantile(q), exact * 0.99, exact * 1.01);
        Assert.Equal(values.Average(), sketch.Mean, 9);
    }

    [Fact]
    public void Weighted_adds_and_merges_count_every_value()
    {
        var a = new QuantileSketch();
        var b = new QuantileSketch();
        a.Add(0.010, 3);
        b.Add(0.020, 1);
        a.Merge(b);
        Assert.Equal(4, a.Count);
        Assert.Equal(0.050, a.Sum, 12);
        Assert.InRange(a.Quantile(1.0), 0.0199, 0.0201);
    }

    [Fact]
    public void Runs_of_close_values_land_in_the_buckets_the_logarithm_gives()
    {
        // Sorted, close values mostly take the remembered bucket; shuffled ones mostly do not. Values at every bucket
        // edge (and one step either side) are where a remembered interior that were too wide would put a value wrong.
        var sketch = new QuantileSketch();
        double gamma = (1 + sketch.RelativeError) / (1 - sketch.RelativeError);
        var values = new List<double>();
        for (int i = 1; i < 600; i++)
        {
            double edge = 1e-6 * Math.Pow(gamma, i);
            values.AddRange([edge, Math.BitDecrement(edge), Math.BitIncrement(edge), edge * (1 + 2e-9), edge * (1 - 2e-9)]);
        }

        var random = new Random(7);
        for (int i = 0; i < 20_000; i++)
        {
            values.Add(0.05 + (i * 1e-7) + (random.NextDouble() * 1e-8));
        }

        double[] sorted = [.. values.Order()];
        double[] shuffled = [.. values];
        random.Shuffle(shuffled);
        var a = new QuantileSketch();
        var b = new QuantileSketch();
        foreach (double v in sorted)
        {
            a.Add(v);
        }

        foreach (double v in shuffled)
        {
            // One value at a time in a fresh sketch: nothing remembered, the logarithm alone.
            var lone = new QuantileSketch();
            lone.Add(v);
            b.Merge(lone);
        }

        for (int k = 0; k <= 1000; k++)
        {
            Assert.Equal(b.Quantile(k / 1000.0), a.Quantile(k / 1000.0));
        }
    }

    [Fact]
    public void A_mean_of_whole_nanoseconds_does_not_depend_on_the_order_they_came_in()
    {
        var random = new Random(3);
        var gaps = Enumerable.Range(0, 5000).Select(_ => ((long)random.Next(1, 1_000_000_000), (long)random.Next(1, 200))).ToArray();
        var forward = new QuantileSketch();
        var backward = new QuantileSketch();
        var asSeconds = new QuantileSketch();
        foreach ((long nanos, long weight) in gaps)
        {
            forward.AddNanos(nanos, weight);
            asSeconds.Add(nanos / 1e9, weight);
        }

        foreach ((long nanos, long weight) in gaps.Reverse())
        {
            backward.AddNanos(nanos, weight);
        }

        Int128 total = 0;
        foreach ((long nanos, long weight) in gaps)
        {
            total += (Int128)nanos * weight;
        }

        double exact = (double)total / 1e9 / gaps.Sum(g => g.Item2);
        Assert.Equal(exact, forward.Mean);
        Assert.Equal(forward.Mean, backward.Mean);
        Assert.Equal(asSeconds.Mean, forward.Mean, 12);   // the same mean as a sum of doubles, to rounding
        Assert.Equal(asSeconds.Quantile(0.9), forward.Quantile(0.9));
    }

    [Fact]
    public void Nanosecond_sums_stay_exact_past_a_64_bit_product()
    {
        // 4·10¹⁸ ns a thousand times over: the product needs 72 bits, and a run adds it as one weighted sum.
        var sketch = new QuantileSketch();
        sketch.AddNanos(4_000_000_000_000_000_000, 1000);
        sketch.AddNanosRun([4_000_000_000_000_000_000, 4_000_000_000_000_000_001], 1000);
        Assert.Equal((double)((Int128)12_000_000_000_000_000_001 * 1000) / 1e9, sketch.Sum);
        Assert.Equal(3000, sketch.Count);
    }

    [Fact]
    public void A_run_of_durations_counts_as_each_added_in_turn()
    {
        // Slowly growing durations (a decode stretch) crossing bucket edges, a jump, and signs the caller uses for itself.
        var random = new Random(11);
        var nanos = new List<long>();
        long d = 40_000_000;
        for (int i = 0; i < 3000; i++)
        {
            d += random.Next(0, 4000);
            nanos.Add(i % 7 == 0 ? -d : d);
        }

        nanos.AddRange([5, -900_000_000, 41_000_000]);
        AssertCountsAsEachInTurn(nanos, (sketch, values) => sketch.AddNanosRun(values, 9), weight: 9);
    }

    [Theory]
    [InlineData(1, 40_000_000, 4_000)]      // a decode stretch: slow growth, long runs in one bucket
    [InlineData(2, 40_000_000, 400_000)]    // fast growth: a bucket or two per value
    [InlineData(3, 200, 3)]                 // below the sketch's minimum (1 µs) and across it
    [InlineData(4, 9_000_000, 0)]           // one value repeated
    public void A_rising_run_counts_as_each_added_in_turn(int seed, long start, int growth)
    {
        var random = new Random(seed);
        var nanos = new List<long>();
        long d = start;
        for (int i = 0; i < 3000; i++)
        {
            d += random.Next(0, growth + 1);
            nanos.Add(i % 5 == 0 ? -d : d);   // the sign is the caller's
        }

        // Then values at and a nanosecond either side of the next two bucket edges (min·γᵏ, γ = 1.005/0.995), in order.
        double gamma = 1.005 / 0.995;
        int bucket = (int)Math.Ceiling(Math.Log(Math.Max(d, 1_000) / 1_000.0) / Math.Log(gamma));
        foreach (int k in new[] { bucket + 1, bucket + 2 })
        {
            long edge = (long)Math.Round(1_000 * Math.Pow(gamma, k));
            nanos.AddRange([edge - 1, edge, edge, edge + 1]);
        }

        for (int length = 0; length <= nanos.Count; length += length < 40 ? 1 : 397)
        {
            AssertCountsAsEachInTurn(nanos.Take(length).ToList(), (sketch, values) => sketch.AddNanosRising(values, 7), weight: 7);
        }
    }

    /// <summary>Adding <paramref name="nanos"/> with <paramref name="add"/> leaves the sketch as adding each absolute value in turn would, to the last bit.</summary>
    private static void AssertCountsAsEachInTurn(List<long> nanos, Action<QuantileSketch, long[]> add, long weight)
    {
        var together = new QuantileSketch();
        var oneByOne = new QuantileSketch();
        together.Add(0.5);   // a value added the other way first: the double sum is then the one reported
        oneByOne.Add(0.5);
        add(together, [.. nanos]);
        foreach (long n in nanos)
        {
            oneByOne.AddNanos(Math.Abs(n), weight);
        }

        Assert.Equal(oneByOne.Count, together.Count);
        Assert.Equal(oneByOne.Sum, together.Sum);
        Assert.Equal(oneByOne.Max, together.Max);
        for (int k = 0; k <= 200; k++)
        {
            Assert.Equal(oneByOne.Quantile(k / 200.0), together.Quantile(k / 200.0));
        }
    }

    [Fact]
    public void A_cleared_sketch_answers_as_a_fresh_one()
    {
        // Windows reuse one sketch: a clear zeroes only the buckets counted into, and quantiles scan only those.
        var reused = new QuantileSketch(0.02);
        var random = new Random(5);
        for (int window = 0; window < 50; window++)
        {
            var fresh = new QuantileSketch(0.02);
            var other = new QuantileSketch(0.02);
            // Windows far apart on the scale (below the minimum too), or one after another in the same buckets.
            double scale = window % 3 == 0 ? 0.05 : Math.Pow(10, random.Next(-7, 7));
            for (int i = 0; i < 200; i++)
            {
                double v = scale * (window % 3 == 0 ? 1 + (i * 1e-5) : random.NextDouble());
                reused.Add(v);
                fresh.Add(v);
            }

            other.Add(scale * 3);
            reused.Merge(other);
            fresh.Merge(other);
            foreach (double q in new[] { 0, 0.01, 0.5, 0.99, 1 })
            {
                Assert.Equal(fresh.Quantile(q), reused.Quantile(q));
            }

            reused.Clear();
            Assert.True(double.IsNaN(reused.Quantile(0.5)));
        }
    }

    [Theory]
    [InlineData(0.005, 1e-6, 1e7)]
    [InlineData(0.02, 1e-6, 1e7)]
    [InlineData(0.01, 1e-3, 1e9)]
    [InlineData(0.0005, 1e-6, 1e3)]   // some 700 buckets an octave: the margin against the table's error grows with them
    public void Buckets_are_those_of_the_logarithm(double relativeError, double min, double max)
    {
        // The definition: ⌈ln(v/min)/ln γ⌉, clamped; the sketch finds it without the logarithm for all but edge values.
        var sketch = new QuantileSketch(relativeError, min, max);
        double gamma = (1 + relativeError) / (1 - relativeError), logGamma = Math.Log(gamma);
        int last = (int)Math.Ceiling(Math.Log(max / min) / logGamma) + 1;
        int Defined(double v) => v <= min ? 0 : Math.Min(last, (int)Math.Ceiling(Math.Log(v / min) / logGamma));
        var random = new Random(17);
        for (int i = 0; i < 300_000; i++)
        {
            double v = min * Math.Exp(random.NextDouble() * Math.Log(max / min) * 1.1);   // past the top too
            Assert.Equal(Defined(v), sketch.BucketOf(v));
        }

        for (int k = 1; k < last; k++)
        {
            double edge = min * Math.Pow(gamma, k);
            foreach (double v in new[] { edge, Math.BitDecrement(edge), Math.BitIncrement(edge), edge * (1 + 1e-12), edge * (1 - 1e-12) })
            {
                Assert.Equal(Defined(v), sketch.BucketOf(v));
            }
        }

        Assert.Equal(0, sketch.BucketOf(min));
        Assert.Equal(0, sketch.BucketOf(min / 2));
    }
}
