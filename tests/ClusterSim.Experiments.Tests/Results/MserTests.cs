using ClusterSim.Experiments.Results;

namespace ClusterSim.Experiments.Tests.Results;

public class MserTests
{
    /// <summary>A steady series around 50 (uniform noise of ±10, seeded) after <paramref name="ramp"/> observations rising from 0.</summary>
    private static double[] Series(int ramp, int length, int seed = 1)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, length).Select(i => (i < ramp ? 50.0 * i / ramp : 50.0) + ((random.NextDouble() - 0.5) * 20))];
    }

    [Theory]
    [InlineData(100, 2000)]
    [InlineData(300, 2000)]
    [InlineData(40, 1000)]
    public void The_truncation_falls_at_the_end_of_a_start_up_ramp(int ramp, int length)
    {
        foreach (int seed in Enumerable.Range(1, 20))
        {
            int cut = Mser.Truncation(Series(ramp, length, seed))!.Value;
            Assert.Equal(0, cut % Mser.Batch);
            Assert.InRange(cut, (int)(0.6 * ramp), ramp + 100);   // the ramp's last batches are within the noise
        }
    }

    [Fact]
    public void A_steady_series_is_barely_cut_and_a_constant_one_not_at_all()
    {
        int[] cuts = [.. Enumerable.Range(1, 40).Select(seed => Mser.Truncation(Series(0, 2000, seed))!.Value)];
        Assert.True(cuts.Count(c => c <= 100) >= 36, string.Join(", ", cuts));   // MSER cuts noise now and then, rarely far
        Assert.All(cuts, c => Assert.InRange(c, 0, 1000));                        // never past the first half
        Assert.Equal(0, Mser.Truncation(Enumerable.Repeat(7.0, 500).ToArray()));
    }

    [Fact]
    public void A_series_too_short_to_judge_is_not_cut()
    {
        Assert.Null(Mser.Truncation(Series(20, (Mser.Batch * Mser.MinBatches) - 1)));
        Assert.Null(Mser.Truncation([]));
        Assert.NotNull(Mser.Truncation(Series(20, Mser.Batch * Mser.MinBatches)));
    }
}
