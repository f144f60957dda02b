using ClusterSim.Core.Engine;
using ClusterSim.Core.Inference.Workload;

namespace ClusterSim.Core.Tests.Inference.Workload;

public class ClosedLoopTests
{
    private static RequestSource Loop(long thinkNanos, ThinkTime think, long rampNanos) =>
        RequestSource.ClosedLoop(4000, thinkNanos, TokenLengths.Fixed(10), TokenLengths.Fixed(10), new RandomStreams(3), think, rampNanos);

    [Fact]
    public void Fixed_think_times_are_exact_and_users_start_together_without_a_ramp()
    {
        RequestSource source = Loop(SimTime.FromSeconds(0.5), ThinkTime.Fixed, 0);
        Assert.All(Enumerable.Range(0, 100), _ => Assert.Equal(SimTime.FromSeconds(0.5), source.NextThinkNanos()));
        Assert.All(Enumerable.Range(0, 100), _ => Assert.Equal(0, source.NextInitialArrival()));
    }

    [Fact]
    public void Exponential_think_times_have_the_given_mean_and_spread()
    {
        RequestSource source = Loop(SimTime.FromSeconds(2), ThinkTime.Exponential, 0);
        double[] x = Enumerable.Range(0, 40_000).Select(_ => SimTime.ToSeconds(source.NextThinkNanos())).ToArray();
        double mean = x.Average();
        double sd = Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / (x.Length - 1));
        Assert.InRange(mean, 2 * 0.97, 2 * 1.03);   // standard error 0.5 %: six of them
        Assert.InRange(sd / mean, 0.95, 1.05);      // an exponential's coefficient of variation is 1
    }

    [Fact]
    public void A_ramp_spreads_the_first_requests_uniformly()
    {
        RequestSource source = Loop(0, ThinkTime.Fixed, SimTime.FromSeconds(10));
        double[] starts = Enumerable.Range(0, source.InitialRequests).Select(_ => SimTime.ToSeconds(source.NextInitialArrival())).ToArray();
        Assert.All(starts, s => Assert.InRange(s, 0, 10));
        Assert.InRange(starts.Average(), 5 * 0.97, 5 * 1.03);
        Assert.InRange(starts.Count(s => s < 2.5) / (double)starts.Length, 0.23, 0.27);
    }
}
