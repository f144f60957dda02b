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
    public void A_cap_needs_open_arrivals_and_one_request_an_answer()
    {
        Assert.Throws<ArgumentException>(() => new ServingCluster(Loop(4) with { ClientConcurrencyCap = 2 }).Run());
        Assert.Throws<ArgumentException>(() => Scenario(5, -1).Validated());
        Assert.Throws<ArgumentException>(() => (Scenario(5, 4) with { Conversations = new ConversationOptions { FollowUp = TokenLengths.Fixed(50) } }).Validated());
    }

    /// <summary>Two prefill and two decode replicas, the KV cache crossing 50 GB/s.</summary>
    private static ServingScenario Split(ServingScenario scenario) => scenario with
    {
        Replicas = [scenario.Replicas[0] with { Count = 4 }],
        Disaggregation = new Disaggregation(2, 50),
    };

    [Fact]
    public void Against_a_split_deployment_a_request_holds_its_slot_until_its_decode_side_answers()
    {
        // Far above what four replicas sustain: the capped client is a closed loop of eight users, whose means it
        // matches, and never has more than eight requests in the engine — a request crossing the link holds its slot.
        var fleet = new ServingCluster(Split(Scenario(1000, 8)));
        long most = 0;
        fleet.Simulator.Trace = new Engine.CheckEveryEvent(() => most = Math.Max(most, fleet.InFlight));
        ServingResult capped = fleet.Run();
        ServingResult loop = new ServingCluster(Split(Loop(8))).Run();

        Assert.True(capped.Conserved);
        Assert.Equal(300, capped.Metrics.Completed);
        Assert.Equal(8, most);
        Assert.Equal(loop.Metrics.EndToEnd.Mean, capped.Metrics.EndToEnd.Mean, loop.Metrics.EndToEnd.Mean * 0.02);
        Assert.Equal(loop.Metrics.Tpot.Mean, capped.Metrics.Tpot.Mean, loop.Metrics.Tpot.Mean * 0.02);
    }

    [Fact]
    public void An_answer_from_the_response_cache_frees_its_slot()
    {
        // One query asked over and over, one request in flight at a time: every answer after the first comes from the
        // cache, and each frees the slot for the next (without that the client would stall after its first hit).
        ServingScenario faq = Scenario(1000, 1) with
        {
            Workload = s => RequestSource.Open(ArrivalProcess.Poisson(1000), TokenLengths.Fixed(512), TokenLengths.Fixed(128), s, queries: new QueryPopularity(1, 0)),
            ResponseCache = new ResponseCacheOptions(),
        };
        ServingResult result = new ServingCluster(faq).Run();

        Assert.True(result.Conserved);
        Assert.Equal(300, result.Metrics.Completed);
        Assert.Equal(299, result.Metrics.ResponseCacheHits);
    }
}
