using ClusterSim.Core.Engine;
using ClusterSim.Reporting.Charts;

namespace ClusterSim.Reporting.Tests.Charts;

public class PixelDecimationTests
{
    [Fact]
    public void A_long_series_keeps_each_columns_first_extremes_and_last()
    {
        RandomStream random = new RandomStreams(3).For("series");
        double[] x = [.. Enumerable.Range(0, 13_592).Select(i => i * 0.37)];
        double[] y = [.. x.Select(v => Math.Sin(v / 50) + random.NextDouble())];
        y[5_000] = 40;   // a spike a reader must still see
        y[9_000] = -40;

        (double[] keptX, double[] keptY) = PixelDecimation.Reduce(x, y, columns: 800);

        Assert.InRange(keptX.Length, 800, 4 * 800);
        Assert.Equal((x[0], y[0]), (keptX[0], keptY[0]));
        Assert.Equal((x[^1], y[^1]), (keptX[^1], keptY[^1]));
        Assert.Equal(40, keptY.Max());
        Assert.Equal(-40, keptY.Min());
        Assert.Equal(keptX.Order(), keptX);

        // Every column keeps its own extremes: the envelope over each pixel column is unchanged.
        double width = (x[^1] - x[0]) / 800;
        int Column(double v) => Math.Min(799, (int)((v - x[0]) / width));
        var full = x.Zip(y).GroupBy(p => Column(p.First)).ToDictionary(g => g.Key, g => (g.Min(p => p.Second), g.Max(p => p.Second)));
        var thin = keptX.Zip(keptY).GroupBy(p => Column(p.First)).ToDictionary(g => g.Key, g => (g.Min(p => p.Second), g.Max(p => p.Second)));
        Assert.Equal(full, thin);
    }

    [Fact]
    public void A_short_series_is_kept_whole() =>
        Assert.Equal([1.0, 2, 3], PixelDecimation.Reduce([1, 2, 3], [3, 1, 2], columns: 800).X);
}
