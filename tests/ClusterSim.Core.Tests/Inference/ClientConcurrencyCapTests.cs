using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.Workload;

namespace ClusterSim.Core.Tests.Inference;

/// <summary>A client that paces requests at a rate and keeps at most a cap of them in flight (vLLM's and SGLang's benchmarks).</summary>
public class ClientConcurrencyCapTests
{
    private static ServingScenario Scenario(double rate, int cap, int requests = 300) => new()
    {
        Replicas = [new ReplicaGroup(ServingScenarios.Llama8bOnH100, new SchedulerOptions { MaxSequences = 128, MaxBatchedTokens = 4096 })],
        Workload = s => RequestSource.Open(ArrivalProcess.Poisson(rate), TokenLengths.Fixed(512), TokenLengths.Fixed(128), s),
        MaxRequests = requests,
        ClientConcurrencyCap = cap,
        Seed = 5,
    };

    private static ServingScenario Loop(int users, int requests = 300) => Scenario(1, 0, requests) with
    {
        Workload = s => RequestSource.ClosedLoop(users, 0, TokenLengths.Fixed(512), TokenLengths.Fixed(128), s),
    };

    [Fact]
    public void Far_above_what_the_server_sustains_a_capped_client_is_a_closed_loop_of_the_cap()
    {
        // At 1,000 requests/s every request after the first few waits for a slot, so the client sends one as another
        // finishes: a closed loop of four users without think time, whose means it matches.
        ServingResult capped = new ServingCluster(Scenario(1000, 4)).Run();
        ServingResult loop = new ServingCluster(Loop(4)).Run();

        Assert.Equal(300, capped.Metrics.Completed);
        Assert.Equal(loop.Metrics.EndToEnd.Mean, capped.Metrics.EndToEnd.Mean, loop.Metrics.EndToEnd.Mean * 0.01);
        Assert.Equal(loop.Metrics.Ttft.Mean, capped.Metrics.Ttft.Mean, loop.Metrics.Ttft.Mean * 0.02);
        Assert.True(capped.Metrics.Ttft.Max < 0.2, $"a request is timed from when it is sent, not from when it fell due: {capped.Metrics.Ttft.Max:0.###} s");
    }

    [Fact]
    public void A_cap_the_traffic_never_reaches_changes_nothing_it_measures()
    {
        ServingResult capped = new ServingCluster(Scenario(5, 1000)).Run();
        ServingResult free = new ServingCluster(Scenario(5, 0)).Run();

        Assert.Equal(free.Metrics.Completed, capped.Metrics.Completed);
        Assert.Equal(free.Metrics.EndToEnd.Mean, capped.Metrics.EndToEnd.Mean, 1e-9);
        Assert.Equal(free.Metrics.Ttft.Mean, capped.Metrics.Ttft.Mean, 1e-9);
    }

    [Fact]
    public void A_cap_needs_plain_open_arrivals()
    {
        Assert.Throws<ArgumentException>(() => new ServingCluster(Loop(4) with { ClientConcurrencyCap = 2 }).Run());
        Assert.Throws<ArgumentException>(() => Scenario(5, -1).Validated());
    }
}
