using ClusterSim.Core.Economics;

namespace ClusterSim.Core.Tests.Economics;

public class CrossoverDetectorTests
{
    [Fact]
    public void Linear_overtakes_constant_where_the_lines_meet()
    {
        // Training: a flat $100 bill. Inference: $7 per day from day 0. They cross at 100 / 7 days.
        double[] t = Enumerable.Range(0, 30).Select(i => (double)i).ToArray();
        double[] training = t.Select(_ => 100.0).ToArray();
        double[] inference = t.Select(d => 7 * d).ToArray();
        Assert.Equal(100 / 7.0, CrossoverDetector.Find(t, training, inference)!.Value, 1e-12);
    }

    [Fact]
    public void Exponential_growth_crosses_where_the_integral_equals_the_bill()
    {
        // Inference spend rate r·e^{kt}: cumulative r/k·(e^{kt} − 1) = B at t* = ln(1 + kB/r)/k. Fine sampling keeps interpolation error small.
        double r = 2, k = 0.05, bill = 500;
        double[] t = Enumerable.Range(0, 20_001).Select(i => i * 0.01).ToArray();
        double[] inference = t.Select(x => r / k * (Math.Exp(k * x) - 1)).ToArray();
        double expected = Math.Log(1 + (k * bill / r)) / k;
        Assert.Equal(expected, CrossoverDetector.Find(t, t.Select(_ => bill).ToArray(), inference)!.Value, 1e-3);
    }

    [Fact]
    public void No_crossover_when_the_challenger_stays_below_or_never_was_below()
    {
        double[] t = [0, 1, 2, 3];
        Assert.Null(CrossoverDetector.Find(t, [10, 10, 10, 10], [0, 1, 2, 3]));
        Assert.Null(CrossoverDetector.Find(t, [0, 0, 0, 0], [0, 0, 0, 0]));
        Assert.Null(CrossoverDetector.Find(t, [0, 1, 2, 3], [5, 6, 7, 8]));
    }

    [Fact]
    public void Only_the_first_crossing_counts()
    {
        double[] t = [0, 1, 2, 3, 4];
        Assert.Equal(1.5, CrossoverDetector.Find(t, [2, 2, 2, 2, 2], [0, 1, 3, 1, 5])!.Value, 1e-12);
    }
}
