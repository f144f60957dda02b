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
}
