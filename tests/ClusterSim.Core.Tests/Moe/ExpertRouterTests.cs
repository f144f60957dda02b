using ClusterSim.Core.Engine;
using ClusterSim.Core.Moe;

namespace ClusterSim.Core.Tests.Moe;

public class ExpertRouterTests
{
    private static ExpertRouter Router(MoeRoutingOptions options, int experts = 64, int topK = 2, int accelerators = 8) =>
        new(experts, topK, accelerators, options, new RandomStreams(5).For("moe"));

    private static double MeanImbalance(ExpertRouter router, int tokens, int iterations = 400) =>
        Enumerable.Range(0, iterations).Average(i => router.Route(tokens, i).Imbalance);

    [Fact]
    public void Uniform_popularity_balances_as_tokens_grow()
    {
        ExpertRouter router = Router(new MoeRoutingOptions());
        double few = MeanImbalance(router, 16), many = MeanImbalance(router, 200_000, 20);
        Assert.True(few > 1.3, $"16 tokens: imbalance {few:0.00}");
        Assert.InRange(many, 1.0, 1.02);
    }

    [Fact]
    public void Heavier_skew_never_balances_better()
    {
        double previous = 0;
        foreach (double s in new[] { 0.0, 0.5, 1.0, 1.5, 2.0 })
        {
            double imbalance = MeanImbalance(Router(new MoeRoutingOptions { Popularity = ExpertPopularity.Zipf, ZipfExponent = s }), 256);
            Assert.True(imbalance >= previous - 0.01, $"zipf {s}: {imbalance:0.000} after {previous:0.000}");
            previous = imbalance;
        }

        Assert.True(previous > 2, "a Zipf(2) popularity piles tokens onto a few accelerators");
    }

    [Fact]
    public void Counts_conserve_tokens_and_the_capacity_cap_drops_the_overflow()
    {
        ExpertRouter free = Router(new MoeRoutingOptions { Popularity = ExpertPopularity.Zipf, ZipfExponent = 1.2 });
        ExpertRouter capped = Router(new MoeRoutingOptions { Popularity = ExpertPopularity.Zipf, ZipfExponent = 1.2, CapacityFactor = 1.25 });
        RoutingOutcome a = free.Route(1000, 3), b = capped.Route(1000, 3);
        Assert.Equal(2000, a.RoutedTokens);
        Assert.Equal(0, a.DroppedTokens);
        Assert.True(b.DroppedTokens > 100, $"{b.DroppedTokens} dropped");
        Assert.True(b.Imbalance < a.Imbalance);
    }

    [Fact]
    public void Replicating_hot_experts_spreads_their_load()
    {
        var skew = new MoeRoutingOptions { Popularity = ExpertPopularity.Zipf, ZipfExponent = 1.5 };
        double plain = MeanImbalance(Router(skew), 512), replicated = MeanImbalance(Router(skew with { ReplicatedHotExperts = 4 }), 512);
        Assert.True(replicated < plain * 0.8, $"{replicated:0.00} vs {plain:0.00}");
    }

    [Fact]
    public void The_same_iteration_draws_the_same_routing_in_any_order()
    {
        ExpertRouter router = Router(new MoeRoutingOptions { Popularity = ExpertPopularity.Dirichlet, DirichletConcentration = 0.3 });
        RoutingOutcome later = router.Route(300, 42);
        _ = router.Route(300, 7);
        Assert.Equal(later, router.Route(300, 42));
        Assert.Equal(1.0, router.Probabilities.Sum(), 12);
    }
}
