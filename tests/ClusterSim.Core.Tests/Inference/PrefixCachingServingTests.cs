using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.Routing;
using ClusterSim.Core.Inference.Workload;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Inference;

/// <summary>Prefix caching through whole serving runs: the savings it must give, and the invariants it must keep.</summary>
public class PrefixCachingServingTests
{
    private static ServingScenario Staged(PromptSet prompts, double rate, double seconds, int prompt, int output, bool caching, ServingDeployment? deployment = null, bool macro = true) => new()
    {
        Replicas = [new ReplicaGroup(deployment ?? ServingScenarios.Llama8bOnH100, new SchedulerOptions { MaxSequences = 256, MaxBatchedTokens = 2048, PrefixCaching = caching })],
        Workload = s => RequestSource.Staged([new LoadStage(rate, seconds)], TokenLengths.Fixed(prompt), TokenLengths.Fixed(output), prompts, s),
        MaxRequests = (long)(rate * seconds) + 1,
        MacroStepping = macro,
    };

    [Fact]
    public void One_repeated_prompt_is_prefilled_once_and_found_in_whole_blocks_after()
    {
        // 2 req/s of the same 1,000-token prompt: every request after the first finds 62 full blocks (992 tokens) cached.
        var cluster = new ServingCluster(Staged(new PromptSet(1, 1, 0), 2, 60, 1000, 50, caching: true));
        ServingResult result = cluster.Run();
        long n = result.Metrics.Completed;
        Assert.Equal(120, n);
        Assert.Equal(n * 1000, result.Metrics.PrefixLookupTokens);
        Assert.Equal((n - 1) * 992, result.Metrics.PrefixHitTokens);
        Assert.Contains(result.Scalars(), s => s.Name == "prefix_hit_rate" && Math.Abs(s.Value - ((n - 1) * 992.0 / (n * 1000))) < 1e-12);

        ServingResult uncached = new ServingCluster(Staged(new PromptSet(1, 1, 0), 2, 60, 1000, 50, caching: false)).Run();
        Assert.True(result.Metrics.Ttft.Mean < 0.8 * uncached.Metrics.Ttft.Mean, $"TTFT {result.Metrics.Ttft.Mean} s cached, {uncached.Metrics.Ttft.Mean} s not");
    }

    [Fact]
    public void A_shared_system_prompt_is_found_by_every_later_user()
    {
        // One 200-token system prompt and ten million users (no question repeats in 120 draws): after the first request,
        // every request finds the system prompt's 12 full blocks (192 tokens) and nothing more.
        ServingResult result = new ServingCluster(Staged(new PromptSet(1, 10_000_000, 200), 4, 30, 800, 20, caching: true)).Run();
        Assert.Equal(120, result.Metrics.Completed);
        Assert.Equal(119 * 192, result.Metrics.PrefixHitTokens);
    }

    [Fact]
    public void Prefix_affinity_routing_keeps_each_prompt_on_the_replica_that_cached_it()
    {
        // 4 replicas, 400 distinct 1,500-token prompts: more than one replica's cache holds, about what four hold together.
        ServingDeployment small = ServingScenarios.Llama8bOnH100 with { MemoryReserve = 0.75 };
        ServingScenario Scenario(RouterKind router) => Staged(new PromptSet(8, 50, 300), 40, 120, 1500, 100, caching: true, small) with
        {
            Replicas = [new ReplicaGroup(small, new SchedulerOptions { MaxSequences = 256, MaxBatchedTokens = 2048, PrefixCaching = true }, 4)],
            Router = router,
        };

        ServingResult roundRobin = new ServingCluster(Scenario(RouterKind.RoundRobin)).Run();
        ServingResult affinity = new ServingCluster(Scenario(RouterKind.PrefixAffinity)).Run();
        double Rate(ServingResult r) => r.Metrics.PrefixHitTokens / (double)r.Metrics.PrefixLookupTokens;
        Assert.True(Rate(affinity) > Rate(roundRobin) + 0.1, $"hit rate {Rate(affinity):P1} with affinity, {Rate(roundRobin):P1} round robin");
        Assert.True(affinity.Metrics.Ttft.Mean < roundRobin.Metrics.Ttft.Mean);
    }

    [Fact]
    public void Macro_steps_equal_single_iterations_under_KV_pressure_without_caching()
    {
        ServingDeployment tight = ServingScenarios.Llama8bOnH100 with { MemoryReserve = 0.85 };
        ServingResult a = new ServingCluster(Staged(PromptSet.None, 30, 40, 1500, 200, caching: false, tight)).Run();
        ServingResult b = new ServingCluster(Staged(PromptSet.None, 30, 40, 1500, 200, caching: false, tight, macro: false)).Run();
        Assert.True(a.Metrics.Preemptions > 0);
        Assert.Equal(b.Metrics.Preemptions, a.Metrics.Preemptions);
        Assert.Equal(b.Metrics.EndToEnd.Sum, a.Metrics.EndToEnd.Sum);
        ServingClusterTests.AssertSameOutcome(b, a);
    }

    [Fact]
    public void Unique_prompts_with_caching_on_give_the_results_of_caching_off()
    {
        ServingResult on = new ServingCluster(Staged(PromptSet.None, 20, 30, 700, 150, caching: true)).Run();
        ServingResult off = new ServingCluster(Staged(PromptSet.None, 20, 30, 700, 150, caching: false)).Run();
        Assert.Equal(0, on.Metrics.PrefixHitTokens);
        Assert.Equal(off.Metrics.Ttft.Sum, on.Metrics.Ttft.Sum);
        Assert.Equal(off.Metrics.EndToEnd.Sum, on.Metrics.EndToEnd.Sum);
        Assert.Equal(off.Metrics.Iterations, on.Metrics.Iterations);
    }

    [Fact]
    public void Under_KV_pressure_the_cache_evicts_and_macro_steps_still_equal_single_iterations()
    {
        // A small KV cache (85 % of memory reserved) and 400 distinct 1,500-token prompts: the cache cannot hold them all.
        ServingDeployment tight = ServingScenarios.Llama8bOnH100 with { MemoryReserve = 0.85 };
        var prompts = new PromptSet(8, 50, 300);
        var fast = new ServingCluster(Staged(prompts, 30, 40, 1500, 200, caching: true, tight));
        ServingResult a = fast.Run();
        ServingResult b = new ServingCluster(Staged(prompts, 30, 40, 1500, 200, caching: true, tight, macro: false)).Run();

        Assert.True(a.Conserved);
        Assert.Equal(b.Metrics.Completed, a.Metrics.Completed);
        Assert.Equal(b.Metrics.PrefixHitTokens, a.Metrics.PrefixHitTokens);
        Assert.Equal(b.Metrics.Preemptions, a.Metrics.Preemptions);
        Assert.Equal(b.Metrics.Ttft.Sum, a.Metrics.Ttft.Sum);
        Assert.Equal(b.Metrics.EndToEnd.Sum, a.Metrics.EndToEnd.Sum);
        Assert.True(a.EventsFired < b.EventsFired);
        ServingClusterTests.AssertSameOutcome(b, a);

        // The cache did fill and evict (hits well below the system-prompt share of every request after the first few)...
        Replica replica = fast.Replicas[0];
        Assert.True(a.Metrics.PrefixHitTokens > 0);
        Assert.True(replica.Cache!.Count * tight.KvBlockTokens < 400 * 1500, "the cache could not keep every prompt");
        // ...and when all is done, no block is pinned and every block is free (cached or empty).
        Assert.Equal(replica.Cache.Count, replica.Cache.Evictable);
        Assert.Equal(replica.TotalBlocks, replica.FreeBlocks);
    }

    [Fact]
    public void Host_memory_keeps_what_the_device_evicts_and_serves_it_back_over_the_host_link()
    {
        // The KV-pressure scenario above, with 64 GiB of host memory for evicted blocks.
        ServingDeployment tight = ServingScenarios.Llama8bOnH100 with { MemoryReserve = 0.85 };
        var prompts = new PromptSet(8, 50, 300);
        ServingScenario Offload(double gib, bool macro = true)
        {
            ServingScenario s = Staged(prompts, 30, 40, 1500, 200, caching: true, tight, macro);
            return s with { Replicas = [new ReplicaGroup(tight, s.Replicas[0].Scheduler with { HostKvBytes = gib * 1073741824.0 })] };
        }

        ServingResult device = new ServingCluster(Offload(0)).Run();
        ServingResult host = new ServingCluster(Offload(64)).Run();
        ServingResult single = new ServingCluster(Offload(64, macro: false)).Run();

        Assert.Equal(0, device.Metrics.PrefixLoadedTokens);
        Assert.True(host.Metrics.PrefixLoadedTokens > 0);
        Assert.True(host.Metrics.PrefixHitTokens > device.Metrics.PrefixHitTokens + host.Metrics.PrefixLoadedTokens / 2);
        Assert.True(host.Metrics.Ttft.Mean < device.Metrics.Ttft.Mean, $"TTFT {host.Metrics.Ttft.Mean} s with offload, {device.Metrics.Ttft.Mean} s without");
        Assert.Contains(host.Scalars(), s => s.Name == "prefix_host_hit_rate" && s.Value > 0);
        Assert.Equal(single.Metrics.PrefixLoadedTokens, host.Metrics.PrefixLoadedTokens);
        Assert.Equal(single.Metrics.EndToEnd.Sum, host.Metrics.EndToEnd.Sum);
        ServingClusterTests.AssertSameOutcome(single, host);
    }

    [Fact]
    public void Prompts_that_share_nothing_load_nothing_from_host_memory()
    {
        // Unique prompts under prefix caching with a host tier: nothing is ever cached under their (absent) keys, so
        // nothing is found or copied back; each prompt is prefilled whole. (The host tier once reported every block of
        // such a prompt held, and the replica skipped its prefill for a copy from host memory.)
        ServingScenario unique = ServingScenarios.Poisson(5, 200) with
        {
            Replicas = [new ReplicaGroup(ServingScenarios.Llama8bOnH100, new SchedulerOptions { MaxSequences = 128, MaxBatchedTokens = 4096, PrefixCaching = true, HostKvBytes = 8 * 1073741824.0 })],
        };
        ServingResult offload = new ServingCluster(unique).Run();
        ServingResult stepped = new ServingCluster(unique with { MacroStepping = false }).Run();

        Assert.True(offload.Metrics.PrefixLookupTokens > 0);
        Assert.Equal((0L, 0L), (offload.Metrics.PrefixHitTokens, offload.Metrics.PrefixLoadedTokens));
        ServingClusterTests.AssertSameOutcome(stepped, offload);
    }

    [Theory]
    [InlineData(RouterKind.PrefixAffinity, 0)]
    [InlineData(RouterKind.PrefixAffinity, 64)]
    [InlineData(RouterKind.KvAware, 64)]
    [InlineData(RouterKind.RoundRobin, 0)]
    public void Conversations_on_warm_caches_give_the_same_results_with_macro_steps(RouterKind router, double hostGib)
    {
        // kv-offload.yaml in small: three-turn conversations over 20 shared system prompts on three replicas whose KV
        // cache is squeezed, so the cache fills, evicts (to host memory, with offload) and is consulted by the router while
        // other replicas are inside a stretch.
        ServingDeployment tight = ServingScenarios.Llama8bOnH100 with { MemoryReserve = 0.8 };
        ServingScenario Chat(bool macro) => new()
        {
            Replicas = [new ReplicaGroup(tight, new SchedulerOptions { MaxSequences = 256, MaxBatchedTokens = 8192, PrefixCaching = true, HostKvBytes = hostGib * 1073741824.0 }, 3)],
            Workload = s => RequestSource.Open(ArrivalProcess.Poisson(9), TokenLengths.Fixed(1500), TokenLengths.Fixed(200), s, new PromptSet(20, 50, 1000)),
            MaxRequests = 600,
            Conversations = new ConversationOptions { Turns = 3, ThinkSeconds = 10, FollowUp = TokenLengths.Fixed(100) },
            Router = router,
            SeriesIntervalSeconds = 5,
            MacroStepping = macro,
        };

        ServingResult single = new ServingCluster(Chat(macro: false)).Run();
        ServingResult macro = new ServingCluster(Chat(macro: true)).Run();

        Assert.True(macro.Conserved);
        Assert.True(single.Metrics.PrefixHitTokens > 0);
        Assert.Equal(single.Metrics.PrefixHitTokens, macro.Metrics.PrefixHitTokens);
        Assert.Equal(single.Metrics.PrefixLoadedTokens, macro.Metrics.PrefixLoadedTokens);
        Assert.Equal(single.Metrics.Ttft.Sum, macro.Metrics.Ttft.Sum);
        Assert.Equal(single.Metrics.EndToEnd.Sum, macro.Metrics.EndToEnd.Sum);
        ServingClusterTests.AssertSameOutcome(single, macro);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void Random_warm_cache_deployments_give_the_same_results_with_macro_steps(int seed)
    {
        // Drawn per seed: replicas, router, how squeezed the KV cache is, host offload, the shared prompt set, lengths,
        // conversations or single requests, and the rate. Each pair of runs must agree to the last bit.
        var draw = new Random(seed);
        int replicas = draw.Next(1, 4);
        RouterKind[] routers = [RouterKind.PrefixAffinity, RouterKind.KvAware, RouterKind.RoundRobin, RouterKind.LeastOutstanding, RouterKind.PowerOfTwo];
        RouterKind router = routers[draw.Next(routers.Length)];
        double reserve = 0.74 + (0.1 * draw.NextDouble());
        double hostGib = draw.Next(2) == 0 ? 0 : 16;
        var prompts = new PromptSet(draw.Next(2, 30), draw.Next(5, 60), draw.Next(1, 8) * 200);
        int prompt = prompts.SystemTokens + draw.Next(100, 1500), output = draw.Next(20, 400);
        bool chat = draw.Next(2) == 0;
        double rate = replicas * (chat ? 2 + (6 * draw.NextDouble()) : 6 + (20 * draw.NextDouble()));
        ServingDeployment tight = ServingScenarios.Llama8bOnH100 with { MemoryReserve = reserve };
        ServingScenario Run(bool macro) => new()
        {
            Replicas = [new ReplicaGroup(tight, new SchedulerOptions { MaxSequences = 256, MaxBatchedTokens = 4096, PrefixCaching = true, HostKvBytes = hostGib * 1073741824.0 }, replicas)],
            Workload = s => RequestSource.Open(ArrivalProcess.Poisson(rate), TokenLengths.Fixed(prompt), TokenLengths.LogNormalFromMeanMedian(output, output * 0.7, output * 4), s, prompts),
            MaxRequests = chat ? 150 : 400,
            Conversations = chat ? new ConversationOptions { Turns = 3, ThinkSeconds = 5, FollowUp = TokenLengths.Fixed(80) } : null,
            Router = router,
            SeriesIntervalSeconds = 5,
            MacroStepping = macro,
            Seed = seed,
        };

        string setup = $"{replicas} × {router}, reserve {reserve:F2}, host {hostGib} GiB, {prompts}, prompt {prompt}, output {output}, chat {chat}, rate {rate:F1}";
        ServingResult single = new ServingCluster(Run(macro: false)).Run();
        ServingResult macro = new ServingCluster(Run(macro: true)).Run();
        Assert.True(macro.Conserved, setup);
        Assert.True(single.Metrics.PrefixHitTokens > 0, setup);
        Assert.True(macro.EventsFired < single.EventsFired, setup);
        Assert.Equal(single.Metrics.PrefixHitTokens, macro.Metrics.PrefixHitTokens);
        Assert.Equal(single.Metrics.Ttft.Sum, macro.Metrics.Ttft.Sum);
        ServingClusterTests.AssertSameOutcome(single, macro);
    }

    [Fact]
    public void Offload_without_a_prefix_cache_is_refused()
    {
        var options = new SchedulerOptions { HostKvBytes = 1e9 };
        var e = Assert.Throws<ArgumentException>(() => options.Validated());
        Assert.Contains("prefix_caching", e.Message, StringComparison.Ordinal);
    }
}
