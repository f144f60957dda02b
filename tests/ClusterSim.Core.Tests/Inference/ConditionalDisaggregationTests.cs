using ClusterSim.Core.Engine;
using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.Routing;
using ClusterSim.Core.Inference.Workload;
using ClusterSim.Core.Tests.Engine;

namespace ClusterSim.Core.Tests.Inference;

/// <summary>
/// Conditional disaggregation: the decode replica is chosen first, and a request whose prompt leaves it little to compute,
/// or that arrives while the prefill queue is long, is prefilled there with no hand-off.
/// </summary>
public class ConditionalDisaggregationTests
{
    private static ServingScenario Split(Disaggregation split, double rate = 12, int requests = 1200, int replicas = 3, RouterKind router = RouterKind.LeastOutstanding) => new()
    {
        Replicas = [new ReplicaGroup(ServingScenarios.Llama8bOnH100, new SchedulerOptions { Kind = SchedulerKind.ChunkedPrefill, MaxSequences = 256, MaxBatchedTokens = 8192 }, replicas)],
        Workload = s => RequestSource.Open(ArrivalProcess.Poisson(rate), TokenLengths.LogNormalFromMeanMedian(1500, 900, 8000), TokenLengths.LogNormalFromMeanMedian(200, 150, 1000), s),
        MaxRequests = requests,
        Router = router,
        Disaggregation = split,
        Seed = 7,
    };

    [Fact]
    public void Above_every_prompt_the_decode_replicas_serve_as_a_colocated_fleet_would()
    {
        // Every prompt is short enough to prefill where it decodes: the prefill replica idles, and the two decode replicas
        // serve request for request as two colocated replicas under the same router.
        var conditional = new ServingCluster(Split(new Disaggregation(1, 50) { MaxLocalPrefillTokens = 100_000 }, router: RouterKind.RoundRobin));
        ServingResult split = conditional.Run();
        ServingScenario plain = Split(new Disaggregation(1, 50), replicas: 2, router: RouterKind.RoundRobin) with { Disaggregation = null };
        ServingResult colocated = new ServingCluster(plain).Run();

        Assert.True(split.Conserved);
        Assert.Equal(0, conditional.Replicas[0].BusyNanos);
        Assert.Equal(1200, split.Metrics.LocalPrefills);
        Assert.Equal(0, split.Metrics.RemotePrefills);
        Assert.Contains(split.Scalars(), s => s.Name == "prefilled_locally" && s.Value == 1);
        Assert.Equal(colocated.Metrics.Completed, split.Metrics.Completed);
        foreach (double q in new[] { 0, 0.5, 0.99, 1 })
        {
            Assert.Equal(colocated.Metrics.Ttft.Quantile(q), split.Metrics.Ttft.Quantile(q));
            Assert.Equal(colocated.Metrics.EndToEnd.Quantile(q), split.Metrics.EndToEnd.Quantile(q));
        }

        Assert.Equal(colocated.Metrics.InterToken.Mean, split.Metrics.InterToken.Mean);
    }

    [Fact]
    public void A_length_threshold_hands_off_exactly_the_longer_prompts()
    {
        var seen = new Seen();
        ServingResult result = new ServingCluster(Split(new Disaggregation(1, 50) { MaxLocalPrefillTokens = 1000 }) with { Observer = seen }).Run();

        Assert.True(result.Conserved);
        Assert.NotEmpty(seen.HandOffPrompts);
        Assert.All(seen.HandOffPrompts, p => Assert.True(p > 1000, $"a {p}-token prompt was handed off"));
        Assert.All(seen.Served.Where(s => s.Replica == 0), _ => Assert.Fail("the prefill replica answered a request"));

        // The decode replicas answer every request; those with no hand-off are exactly the prompts of at most 1,000 tokens.
        int local = seen.Served.Count - seen.HandOffPrompts.Count;
        Assert.Equal(seen.Served.Count(s => s.Prompt <= 1000), local);
        Assert.Equal(local, result.Metrics.LocalPrefills);
        Assert.Equal(seen.HandOffPrompts.Count, result.Metrics.RemotePrefills);
        double share = local / (double)seen.Served.Count;
        Assert.InRange(share, 0.3, 0.8);   // the median prompt is 900 tokens
        Assert.Contains(result.Scalars(), s => s.Name == "prefilled_locally" && Math.Abs(s.Value - share) < 1e-12);
    }

    [Fact]
    public void A_queue_cap_keeps_the_prefill_queue_short_and_prefills_the_overflow_locally()
    {
        // One prefill replica against three decode replicas and long prompts: the prefill queue would grow without the cap.
        ServingCluster? cluster = null;
        int deepest = 0;
        var check = new CheckEveryEvent(() =>
        {
            deepest = Math.Max(deepest, cluster!.Replicas[0].Waiting);
            cluster.AssertInvariants();
        });
        ServingScenario scenario = Split(new Disaggregation(1, 50) { MaxPrefillQueue = 2 }, rate: 30, replicas: 4);
        cluster = new ServingCluster(scenario, new Simulator { Trace = check });
        ServingResult result = cluster.Run();

        Assert.True(result.Conserved);
        Assert.InRange(deepest, 1, 2);
        Assert.True(result.Metrics.LocalPrefills > 0 && result.Metrics.RemotePrefills > 0, $"{result.Metrics.LocalPrefills} local, {result.Metrics.RemotePrefills} remote");

        ServingResult uncapped = new ServingCluster(scenario with { Disaggregation = new Disaggregation(1, 50) }).Run();
        Assert.True(result.Metrics.Ttft.Quantile(0.99) < uncapped.Metrics.Ttft.Quantile(0.99),
            $"p99 TTFT {result.Metrics.Ttft.Quantile(0.99):0.00} s capped against {uncapped.Metrics.Ttft.Quantile(0.99):0.00} s");
    }

    [Fact]
    public void A_conversation_found_in_the_decode_replicas_cache_is_prefilled_there()
    {
        // Turns of 1,000, 1,150 and 1,300 tokens on one prefill and one decode replica, at most 1,000 computed locally. The
        // first turn prefills on the decode replica and leaves its prompt and answer in that cache, so the later turns have
        // 62 and 52 tokens left to compute there and stay too; without a prefix cache they are handed off.
        ServingScenario Chat(bool caching) => new()
        {
            Replicas = [new ReplicaGroup(ServingScenarios.Llama8bOnH100, new SchedulerOptions { MaxSequences = 256, MaxBatchedTokens = 2048, PrefixCaching = caching }, 2)],
            Workload = s => RequestSource.Open(ArrivalProcess.Poisson(0.5), TokenLengths.Fixed(1000), TokenLengths.Fixed(100), s),
            MaxRequests = 40,
            Conversations = new ConversationOptions { Turns = 3, ThinkSeconds = 5, FollowUp = TokenLengths.Fixed(50) },
            Disaggregation = new Disaggregation(1, 50) { MaxLocalPrefillTokens = 1000 },
        };

        ServingResult cached = new ServingCluster(Chat(caching: true)).Run();
        Assert.Equal(120, cached.Metrics.Completed);
        Assert.Equal(120, cached.Metrics.LocalPrefills);
        Assert.Equal(40 * (1088 + 1248), cached.Metrics.PrefixHitTokens);   // as on one colocated replica

        ServingResult uncached = new ServingCluster(Chat(caching: false)).Run();
        Assert.Equal(120, uncached.Metrics.Completed);
        Assert.Equal(40, uncached.Metrics.LocalPrefills);
        Assert.Equal(80, uncached.Metrics.RemotePrefills);

        // TensorRT-LLM's rule: a first turn, of which the decode replica holds nothing, goes to the prefill replica however
        // short; its KV cache lands in the decode replica's cache with the answer, so the later turns prefill there.
        ServingScenario trtllm = Chat(caching: true) with { Disaggregation = new Disaggregation(1, 50) { MaxLocalPrefillTokens = 1000, LocalNeedsCacheHit = true } };
        ServingResult hit = new ServingCluster(trtllm).Run();
        Assert.Equal(120, hit.Metrics.Completed);
        Assert.Equal((80L, 40L), (hit.Metrics.LocalPrefills, hit.Metrics.RemotePrefills));
        Assert.Equal(40 * (1088 + 1248), hit.Metrics.PrefixHitTokens);   // the later turns find the first's prompt and answer, as colocated

        // Without a prefix cache nothing is ever held, so every turn is handed off.
        ServingResult none = new ServingCluster(trtllm with { Replicas = [Chat(caching: false).Replicas[0]] }).Run();
        Assert.Equal((0L, 120L), (none.Metrics.LocalPrefills, none.Metrics.RemotePrefills));
    }

    [Fact]
    public void TensorRT_LLMs_rule_qualifies_a_length_threshold()
    {
        var e = Assert.Throws<ArgumentException>(() => new Disaggregation(1, 50) { LocalNeedsCacheHit = true }.Validated(2));
        Assert.Contains("local_needs_cache_hit", e.Message, StringComparison.Ordinal);
        Disaggregation rule = new Disaggregation(1, 50) { MaxLocalPrefillTokens = 1000, LocalNeedsCacheHit = true, MaxPrefillQueue = 4 };
        Assert.True(rule.PrefillsRemotely(200, 200, 0));   // nothing cached: remote, however short
        Assert.False(rule.PrefillsRemotely(1200, 200, 0));   // 1,000 cached, 200 left: local
        Assert.True(rule.PrefillsRemotely(3000, 2000, 0));   // 2,000 left: remote
        Assert.False(rule.PrefillsRemotely(200, 200, 4));   // the queue's overflow prefills locally, as under Dynamo's rule
    }

    [Fact]
    public void A_remote_prefill_decodes_on_the_replica_chosen_at_dispatch()
    {
        // Round robin over two decode replicas chosen when each request arrives: the hand-offs alternate between them in
        // arrival order, though prompts of unequal lengths on two prefill replicas end their prefills out of that order.
        var seen = new Seen();
        ServingResult result = new ServingCluster(Split(new Disaggregation(2, 50) { MaxPrefillQueue = 1_000_000 }, rate: 20, requests: 400, replicas: 4, router: RouterKind.RoundRobin) with { Observer = seen }).Run();

        Assert.True(result.Conserved);
        Assert.Equal(400, result.Metrics.RemotePrefills);
        Assert.NotEqual(seen.HandOffs.OrderBy(h => h.Arrival).Select(h => h.FirstToken), seen.HandOffs.Select(h => h.FirstToken).Order());
        long[] arrivals = [.. seen.Served.OrderBy(s => s.Arrival).Select(s => s.Arrival)];
        int[] replicas = [.. seen.Served.OrderBy(s => s.Arrival).Select(s => s.Replica)];
        Assert.Equal(arrivals.Distinct().Count(), arrivals.Length);
        Assert.All(replicas.Select((r, i) => (r, i)), x => Assert.Equal(2 + (x.i % 2), x.r));
    }

    [Fact]
    public void Hand_offs_bound_before_they_land_count_against_their_decode_replica()
    {
        // Every prompt remote, each decode replica chosen at arrival by least outstanding: 200 requests arrive within half a
        // second, long before the first prefill ends; the requests still prefilling count as their decode replica's, so
        // the burst spreads evenly over both.
        var seen = new Seen();
        ServingCluster? cluster = null;
        int mostIncoming = 0;
        var check = new CheckEveryEvent(() =>
        {
            mostIncoming = Math.Max(mostIncoming, cluster!.Replicas.Max(r => r.Incoming));
            cluster.AssertInvariants();
        });
        ServingScenario scenario = Split(new Disaggregation(1, 50) { MaxPrefillQueue = 1_000_000 }, rate: 400, requests: 200) with { Observer = seen };
        cluster = new ServingCluster(scenario, new Simulator { Trace = check });
        ServingResult result = cluster.Run();

        Assert.True(result.Conserved);
        Assert.True(mostIncoming > 1, $"at most {mostIncoming} hand-offs on their way to one replica");
        Assert.Equal(0, cluster.Replicas.Sum(r => r.Incoming));
        int first = seen.Served.Count(s => s.Replica == 1), second = seen.Served.Count(s => s.Replica == 2);
        Assert.Equal(200, first + second);
        Assert.InRange(first, 95, 105);   // (counted only once landed: 86 and 114)
    }

    [Theory]
    [InlineData(-1, null, "max_local_prefill")]
    [InlineData(0, 0, "max_prefill_queue")]
    public void Bad_conditions_are_refused(int maxLocal, int? queue, string field)
    {
        var e = Assert.Throws<ArgumentException>(() => new ServingCluster(Split(new Disaggregation(1, 50) { MaxLocalPrefillTokens = maxLocal, MaxPrefillQueue = queue })));
        Assert.Contains(field, e.Message, StringComparison.Ordinal);
    }

    private sealed class Seen : IServingObserver
    {
        public List<(long Arrival, long FirstToken, int Prompt)> HandOffs { get; } = [];
        public List<int> HandOffPrompts => [.. HandOffs.Select(h => h.Prompt)];
        public List<(int Replica, long Arrival, int Prompt)> Served { get; } = [];

        public void OnIterations(int replica, long start, long end, int iterations, int sequences)
        {
        }

        public void OnRequest(int replica, long arrival, long firstToken, long end, int prompt, int output) => Served.Add((replica, arrival, prompt));

        public void OnHandOff(int replica, long arrival, long firstToken, long end, int prompt, int output) => HandOffs.Add((arrival, firstToken, prompt));
    }
}
