using ClusterSim.Core.Engine;

namespace ClusterSim.Core.Tests.Engine;

public class RandomStreamsTests
{
    [Fact]
    public void Same_seed_and_component_give_the_same_draws()
    {
        var a = new RandomStreams(42).For("arrivals");
        var b = new RandomStreams(42).For("arrivals");
        for (int i = 0; i < 100; i++)
        {
            Assert.Equal(a.NextDouble(), b.NextDouble());
        }
    }

    [Fact]
    public void Components_and_seeds_are_independent_streams()
    {
        double x = new RandomStreams(42).For("arrivals").NextDouble();
        Assert.NotEqual(x, new RandomStreams(42).For("lengths").NextDouble());
        Assert.NotEqual(x, new RandomStreams(43).For("arrivals").NextDouble());
    }

    [Fact]
    public void Exponential_draws_have_the_requested_mean()
    {
        var stream = new RandomStreams(1).For("exp");
        double sum = 0;
        const int n = 200_000;
        for (int i = 0; i < n; i++)
        {
            sum += stream.Exponential(4.0);
        }

        // Standard error of the mean is 0.25/sqrt(n) = 5.6e-4; allow 5 standard errors.
        Assert.InRange(sum / n, 0.25 - 0.0028, 0.25 + 0.0028);
    }

    [Fact]
    public void Replication_seeds_differ_and_are_stable()
    {
        Assert.Equal(RandomStreams.ForReplication(5, 1), RandomStreams.ForReplication(5, 1));
        Assert.NotEqual(RandomStreams.ForReplication(5, 1), RandomStreams.ForReplication(5, 2));
    }
}
