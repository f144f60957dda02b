using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.Routing;

namespace ClusterSim.Core.Tests.Inference;

/// <summary>One contract, run on every router.</summary>
public class RouterContractTests
{
    public static TheoryData<RouterKind> AllRouters() => new(Enum.GetValues<RouterKind>());

    [Theory]
    [MemberData(nameof(AllRouters))]
    public void Every_router_serves_all_requests_and_uses_every_replica(RouterKind router)
    {
        var cluster = new ServingCluster(ServingScenarios.Poisson(80, 4000, replicas: 4, router: router));
        ServingResult result = cluster.Run();
        Assert.True(result.Conserved);
        Assert.Equal(4000, result.Metrics.Completed);
        Assert.All(cluster.Replicas, r => Assert.True(r.BusyNanos > 0));
    }

    [Theory]
    [InlineData(RouterKind.LeastOutstanding)]
    [InlineData(RouterKind.PowerOfTwo)]
    public void Load_aware_routers_beat_random_on_tail_latency(RouterKind router)
    {
        // Routing decides how long a request queues before its first token; the end-to-end tail is set by the longest
        // outputs (2,048 tokens here) whatever the router.
        double P99(RouterKind kind) => new ServingCluster(ServingScenarios.Poisson(110, 8000, replicas: 4, router: kind)).Run().Metrics.Ttft.Quantile(0.99);
        double mine = P99(router), random = P99(RouterKind.Random);
        Assert.True(mine < 0.95 * random, $"{router}: TTFT p99 {mine} s against random's {random} s");
    }
}
