using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.TestTime;
using ClusterSim.Core.Inference.Workload;

namespace ClusterSim.Core.Tests.Inference.TestTime;

public class TestTimeServingTests
{
    /// <summary>A closed loop of 32 users keeps the replica busy, so busy time divided by requests is the cost of a request.</summary>
    private static ServingResult Run(TestTimeOptions? options, int prompt = 1000, int output = 100, int requests = 300, int maxModelLength = 0) =>
        new ServingCluster(new ServingScenario
        {
            Replicas = [new ReplicaGroup(ServingScenarios.Llama8bOnH100 with { MaxModelLength = maxModelLength }, new SchedulerOptions { Kind = SchedulerKind.ChunkedPrefill, MaxSequences = 256, MaxBatchedTokens = 8192 })],
            Workload = s => RequestSource.ClosedLoop(32, 0, TokenLengths.Fixed(prompt), TokenLengths.Fixed(output), s),
            MaxRequests = requests,
            TestTime = options,
            Seed = 3,
        }).Run();

    [Fact]
    public void Best_of_n_runs_every_sample_and_conserves_requests()
    {
        ServingResult result = Run(new TestTimeOptions { Policy = TestTimePolicy.BestOfN, Samples = 4 });
        TestTimeMetrics t = result.TestTime!;
        Assert.True(result.Conserved);
        Assert.Equal(300, t.Completed);
        Assert.Equal(4.0 * 300, t.Samples);
        Assert.Equal(4.0 * 100 * 300, t.OutputTokens);
        Assert.Equal(1200, result.Metrics.Completed);
        // Every sample's first token comes after its request's front-end latency (the sketch is within 2 % of the minimum).
        double frontEnd = ServingScenarios.Llama8bOnH100.Efficiency.RequestOverheadSeconds;
        Assert.True(frontEnd > 0);
        Assert.True(result.Metrics.Ttft.Quantile(0.0) >= frontEnd * 0.98, $"a first token {result.Metrics.Ttft.Quantile(0.0)} s after arrival");
    }

    [Fact]
    public void On_a_split_deployment_the_samples_decode_together_where_the_first_ones_cache_lands()
    {
        // One prefill and one decode replica: each request is prefilled once on the first and handed off; its four
        // samples decode on the second, sharing the prompt's KV cache there. Every sample is served once, on the decode
        // replica, and the prefill replica reports hand-offs only.
        var observer = new ReplicaTally();
        var fleet = new ServingCluster(new ServingScenario
        {
            Replicas = [new ReplicaGroup(ServingScenarios.Llama8bOnH100, new SchedulerOptions { Kind = SchedulerKind.ChunkedPrefill, MaxSequences = 256, MaxBatchedTokens = 8192 }, 2)],
            Workload = s => RequestSource.ClosedLoop(32, 0, TokenLengths.Fixed(1000), TokenLengths.Fixed(100), s),
            MaxRequests = 300,
            TestTime = new TestTimeOptions { Policy = TestTimePolicy.BestOfN, Samples = 4 },
            Disaggregation = new Disaggregation(1, 50),
            Observer = observer,
            Seed = 3,
        });
        fleet.Simulator.Trace = new Engine.CheckEveryEvent(fleet.AssertInvariants);
        ServingResult result = fleet.Run();

        Assert.True(result.Conserved);
        Assert.Equal(300, result.TestTime!.Completed);
        Assert.Equal(4.0 * 100 * 300, result.TestTime.OutputTokens);
        Assert.Equal(1200, result.Metrics.Completed);
        Assert.Equal((0, 300), (observer.Finished[0], observer.HandedOff[0]));
        Assert.Equal((1200, 0), (observer.Finished[1], observer.HandedOff[1]));
    }

    /// <summary>Counts each replica's finished requests and hand-offs.</summary>
    private sealed class ReplicaTally : IServingObserver
    {
        public int[] Finished { get; } = new int[2];

        public int[] HandedOff { get; } = new int[2];

        public void OnIterations(int replica, long start, long end, int iterations, int sequences)
        {
        }

        public void OnRequest(int replica, long arrival, long firstToken, long end, int prompt, int output) => Finished[replica]++;

        public void OnHandOff(int replica, long arrival, long firstToken, long end, int prompt, int output) => HandedOff[replica]++;
    }

    [Fact]
    public void Samples_share_the_prompt_prefill()
    {
        // Long prompts and short answers: prefill dominates. Sharing it, four samples cost far less than four requests.
        double single = Run(null, prompt: 6000, output: 8).BusyAcceleratorSeconds;
        double bestOfFour = Run(new TestTimeOptions { Policy = TestTimePolicy.BestOfN, Samples = 4 }, prompt: 6000, output: 8).BusyAcceleratorSeconds;
        Assert.InRange(bestOfFour / single, 1.0, 1.6);
    }

    [Fact]
    public void Reasoning_adds_thinking_tokens_and_accuracy()
    {
        var thinking = TokenLengths.LogNormalFromMeanMedian(2000, 1500, 8000);
        ServingResult single = Run(new TestTimeOptions { Policy = TestTimePolicy.Single });
        ServingResult reasoning = Run(new TestTimeOptions { Policy = TestTimePolicy.Reasoning, ThinkingTokens = thinking, ThinkingScale = 2000 });
        Assert.InRange(reasoning.TestTime!.ThinkingTokens / 300.0, 1700, 2300);
        Assert.True(reasoning.TestTime.Accuracy > single.TestTime!.Accuracy + 0.15);
        Assert.True(reasoning.BusyAcceleratorSeconds > 5 * single.BusyAcceleratorSeconds);
    }

    [Fact]
    public void Thinking_stops_at_the_servers_context_and_the_answer_is_still_served()
    {
        // 1,000-token prompts and 100-token answers under a 3,000-token limit: at most 1,900 tokens of thought, where the
        // draws (mean 2,000) often ask for more; the engine cuts the sequence there, so nothing is refused.
        var thinking = TokenLengths.LogNormalFromMeanMedian(2000, 1500, 8000);
        ServingResult open = Run(new TestTimeOptions { Policy = TestTimePolicy.Reasoning, ThinkingTokens = thinking, ThinkingScale = 2000 });
        ServingResult cut = Run(new TestTimeOptions { Policy = TestTimePolicy.Reasoning, ThinkingTokens = thinking, ThinkingScale = 2000 }, maxModelLength: 3000);

        Assert.Equal(300, cut.TestTime!.Completed);
        Assert.Equal(0, cut.Metrics.OverContext);
        Assert.True(cut.TestTime.ThinkingTokens <= 1900L * 300, $"{cut.TestTime.ThinkingTokens} thinking tokens");
        Assert.True(cut.TestTime.ThinkingTokens < open.TestTime!.ThinkingTokens * 0.9, "the limit cuts some of the thinking drawn");
        Assert.Equal(cut.TestTime.ThinkingTokens + (100L * 300), cut.TestTime.OutputTokens);
    }

    [Fact]
    public void Adaptive_keeps_most_of_the_gain_for_a_fraction_of_the_cost()
    {
        var thinking = TokenLengths.LogNormalFromMeanMedian(4000, 3000, 16000);
        ServingResult single = Run(new TestTimeOptions { Policy = TestTimePolicy.Single });
        ServingResult always = Run(new TestTimeOptions { Policy = TestTimePolicy.Reasoning, ThinkingTokens = thinking });
        ServingResult adaptive = Run(new TestTimeOptions { Policy = TestTimePolicy.Adaptive, AdaptivePolicy = TestTimePolicy.Reasoning, AdaptiveThreshold = 0.5, ThinkingTokens = thinking });

        double gain = always.TestTime!.Accuracy - single.TestTime!.Accuracy;
        double kept = (adaptive.TestTime!.Accuracy - single.TestTime.Accuracy) / gain;
        double cost = (adaptive.BusyAcceleratorSeconds - single.BusyAcceleratorSeconds) / (always.BusyAcceleratorSeconds - single.BusyAcceleratorSeconds);
        Assert.True(kept > 0.6, $"adaptive keeps {kept:P0} of the accuracy gain");
        Assert.True(cost < 0.6, $"adaptive spends {cost:P0} of the extra compute");
    }

    [Fact]
    public void Without_a_policy_serving_is_unchanged()
    {
        ServingResult plain = Run(null);
        ServingResult single = Run(new TestTimeOptions { Policy = TestTimePolicy.Single });
        Assert.Equal(plain.Metrics.Completed, single.Metrics.Completed);
        Assert.Equal(plain.Metrics.EndToEnd.Mean, single.Metrics.EndToEnd.Mean, 9);
    }
}
