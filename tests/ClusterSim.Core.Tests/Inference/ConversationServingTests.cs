using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.Workload;

namespace ClusterSim.Core.Tests.Inference;

/// <summary>Multi-turn conversations: each turn's prompt is the conversation so far, and the prefix cache holds it.</summary>
public class ConversationServingTests
{
    private static ServingScenario Chat(bool caching, int conversations = 40, double rate = 0.5) => new()
    {
        Replicas = [new ReplicaGroup(ServingScenarios.Llama8bOnH100, new SchedulerOptions { MaxSequences = 256, MaxBatchedTokens = 2048, PrefixCaching = caching })],
        Workload = s => RequestSource.Open(ArrivalProcess.Poisson(rate), TokenLengths.Fixed(1000), TokenLengths.Fixed(100), s),
        MaxRequests = conversations,
        Conversations = new ConversationOptions { Turns = 3, ThinkSeconds = 5, FollowUp = TokenLengths.Fixed(50) },
    };

    [Fact]
    public void Each_turn_finds_the_whole_previous_turn_in_the_cache()
    {
        // Prompts of 1,000, 1,150 and 1,300 tokens; turn 2 finds the 1,100 tokens of turn 1 (68 full blocks, 1,088 tokens),
        // turn 3 the 1,250 of turn 2 (78 blocks, 1,248 tokens).
        ServingResult result = new ServingCluster(Chat(caching: true)).Run();
        Assert.True(result.Conserved);
        Assert.Equal(120, result.Metrics.Arrived);
        Assert.Equal(120, result.Metrics.Completed);
        Assert.Equal(40 * (1000 + 1150 + 1300), result.Metrics.PrefixLookupTokens);
        Assert.Equal(40 * (1088 + 1248), result.Metrics.PrefixHitTokens);
        Assert.Equal(40 * (100 * 3), result.Metrics.OutputTokens);
    }

    [Fact]
    public void Without_the_cache_every_turn_prefills_the_whole_conversation()
    {
        ServingResult cached = new ServingCluster(Chat(caching: true)).Run();
        ServingResult uncached = new ServingCluster(Chat(caching: false)).Run();
        Assert.Equal(uncached.Metrics.PromptTokens, cached.Metrics.PromptTokens);
        // The front end's latency is the same either way; of the rest, turns 2 and 3 (two thirds of the requests) prefill
        // a tenth of their prompt when the cache holds the conversation.
        double frontEnd = ServingScenarios.Llama8bOnH100.Efficiency.RequestOverheadSeconds;
        double cachedEngine = cached.Metrics.Ttft.Mean - frontEnd, uncachedEngine = uncached.Metrics.Ttft.Mean - frontEnd;
        Assert.True(cachedEngine < 0.6 * uncachedEngine, $"TTFT in the engine {cachedEngine} s cached, {uncachedEngine} s not");
    }

    [Fact]
    public void On_a_split_deployment_the_prefill_replica_finds_the_previous_prompt_and_the_decode_replica_the_whole_turn()
    {
        // One prefill and one decode replica: a turn's answer is decoded on the decode replica, so the prefill replica's
        // cache holds the previous turn's prompt and first token only — turn 2 finds 1,001 of turn 1's tokens (62 full
        // blocks, 992 tokens), turn 3 1,151 of turn 2's (71 blocks, 1,136 tokens) — while the decode replica, which keeps
        // what arrives over the link and what it decodes, finds each earlier turn whole (1,088 and 1,248 tokens, as one
        // colocated replica does). Both sides look up; every turn is still asked.
        ServingScenario chat = Chat(caching: true);
        var split = new ServingCluster(chat with
        {
            Replicas = [chat.Replicas[0] with { Count = 2 }],
            Disaggregation = new Disaggregation(1, 50),
        });
        ServingResult result = split.Run();

        Assert.True(result.Conserved);
        Assert.Equal(120, result.Metrics.Arrived);
        Assert.Equal(120, result.Metrics.Completed);
        Assert.Equal(40 * (100 * 3), result.Metrics.OutputTokens);
        Assert.Equal(2 * 40 * (1000 + 1150 + 1300), result.Metrics.PrefixLookupTokens);
        Assert.Equal((40 * (992 + 1136)) + (40 * (1088 + 1248)), result.Metrics.PrefixHitTokens);
        Assert.True(split.Replicas[1].BusyNanos > 0, "the decode replica decoded");
    }

    [Fact]
    public void Only_what_the_decode_replicas_cache_lacks_crosses_the_link()
    {
        // A prefill replica without a prefix cache and a decode replica with or without one, over a 0.5 GB/s link: with the
        // cache, turns 2 and 3 send only their last 62 and 52 tokens instead of 1,150 and 1,300, so a turn ends on average
        // (1,088 + 1,248) / 3 tokens' transfer sooner (64 KiB a token of Llama 3.1 8B's FP8 KV cache).
        ServingResult Run(bool decodeCaches)
        {
            ServingScenario chat = Chat(caching: false);
            return new ServingCluster(chat with
            {
                Replicas = [chat.Replicas[0], chat.Replicas[0] with { Scheduler = chat.Replicas[0].Scheduler with { PrefixCaching = decodeCaches } }],
                Disaggregation = new Disaggregation(1, 0.5),
            }).Run();
        }

        ServingResult cached = Run(decodeCaches: true), uncached = Run(decodeCaches: false);
        double bytes = ServingScenarios.Llama8bOnH100.Model.KvBytesPerToken(ServingScenarios.Llama8bOnH100.KvCache);
        double expected = (1088 + 1248) / 3.0 * bytes / 0.5e9;
        double saved = uncached.Metrics.EndToEnd.Mean - cached.Metrics.EndToEnd.Mean;
        Assert.Equal(120, cached.Metrics.Completed);
        Assert.InRange(saved, 0.95 * expected, 1.05 * expected);
        Assert.Equal(40 * (1088 + 1248), cached.Metrics.PrefixHitTokens);
    }

    [Fact]
    public void Conversations_cannot_be_combined_with_a_closed_loop()
    {
        ServingScenario closed = Chat(caching: true) with { Workload = s => RequestSource.ClosedLoop(4, 0, TokenLengths.Fixed(100), TokenLengths.Fixed(10), s) };
        var e = Assert.Throws<ArgumentException>(() => new ServingCluster(closed));
        Assert.Contains("open arrivals", e.Message, StringComparison.Ordinal);
    }
}
