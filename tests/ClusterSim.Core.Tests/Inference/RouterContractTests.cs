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

    [Fact]
    public void vLLMs_data_parallel_balancer_counts_a_queued_request_four_times_a_running_one()
    {
        // Replica 0: 2 waiting and nothing running (score 8); replica 1: 5 running and none waiting (score 5). Fewest
        // outstanding picks replica 0; vLLM's balancer picks replica 1. On a tie the first replica wins.
        IReplicaLoad[] replicas = [new Load(Waiting: 2, Running: 0), new Load(Waiting: 0, Running: 5)];
        var request = new RouteRequest(default, 100);
        Assert.Equal(1, Router.Create(RouterKind.VllmDataParallel, new ClusterSim.Core.Engine.RandomStream(1)).Choose(replicas, request));
        Assert.Equal(0, Router.Create(RouterKind.LeastOutstanding, new ClusterSim.Core.Engine.RandomStream(1)).Choose(replicas, request));

        IReplicaLoad[] tied = [new Load(Waiting: 1, Running: 0), new Load(Waiting: 0, Running: 4)];
        Assert.Equal(0, Router.Create(RouterKind.VllmDataParallel, new ClusterSim.Core.Engine.RandomStream(1)).Choose(tied, request));
    }

    private sealed record Load(int Waiting, int Running) : IReplicaLoad
    {
        public int Outstanding => Waiting + Running;
        public int FreeBlocks => 100;
        public int TotalBlocks => 100;
        public int CachedPrefixBlocks(in Core.Inference.Workload.PromptIdentity prompt, int promptTokens) => 0;
    }
}
