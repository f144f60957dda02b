using ClusterSim.Core.Inference.TestTime;

namespace ClusterSim.Core.Tests.Inference.TestTime;

public class QualityModelTests
{
    [Theory]
    [InlineData(0.3, 1, 0.3)]
    [InlineData(0.5, 3, 0.875)]
    [InlineData(0.1, 10, 0.6513215599)]
    public void Best_of_n_succeeds_when_any_sample_does(double p, int n, double expected) =>
        Assert.Equal(expected, QualityModel.BestOfN(p, n), 9);

    [Theory]
    [InlineData(0.6, 1)]
    [InlineData(0.6, 3)]
    [InlineData(0.3, 5)]
    [InlineData(0.7, 4)]
    public void Voting_is_the_binomial_majority(double p, int n)
    {
        double expected = 0;
        for (int k = 0; k <= n; k++)
        {
            double term = MathNet.Numerics.Distributions.Binomial.PMF(p, n, k);
            expected += 2 * k > n ? term : 2 * k == n ? term / 2 : 0;
        }

        Assert.Equal(expected, QualityModel.Vote(p, n), 12);
    }

    [Fact]
    public void Voting_helps_above_one_half_and_hurts_below()
    {
        Assert.True(QualityModel.Vote(0.7, 9) > 0.7);
        Assert.True(QualityModel.Vote(0.3, 9) < 0.3);
        Assert.Equal(0.5, QualityModel.Vote(0.5, 8), 12);
    }

    [Fact]
    public void Thinking_closes_the_gap_exponentially()
    {
        Assert.Equal(0.4, QualityModel.Reasoning(0.4, 0, 1000), 12);
        Assert.Equal(1 - (0.6 / Math.E), QualityModel.Reasoning(0.4, 1000, 1000), 12);
        Assert.True(QualityModel.Reasoning(0.4, 5000, 1000) > QualityModel.Reasoning(0.4, 2000, 1000));
    }
}
