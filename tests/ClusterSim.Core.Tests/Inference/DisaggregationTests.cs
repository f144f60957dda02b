using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.Workload;

namespace ClusterSim.Core.Tests.Inference;

public class DisaggregationTests
{
    private static ServingResult Run(Disaggregation? split, double rate, int requests = 1500, int prompt = 2000, int output = 200) =>
        new ServingCluster(new ServingScenario
        {
            Replicas = [new ReplicaGroup(ServingScenarios.Llama8bOnH100, new SchedulerOptions { Kind = SchedulerKind.ChunkedPrefill, MaxSequences = 256, MaxBatchedTokens = 8192 }, 4)],
            Workload = s => RequestSource.Open(ArrivalProcess.Poisson(rate), TokenLengths.Fixed(prompt), TokenLengths.Fixed(output), s),
            MaxRequests = requests,
            Disaggregation = split,
            Seed = 4,
        }).Run();

    [Fact]
    public void Every_request_is_counted_once_and_keeps_its_lengths()
    {
        ServingResult result = Run(new Disaggregation(2, 50), 20);
        Assert.True(result.Conserved);
        Assert.Equal(1500, result.Metrics.Completed);
        Assert.Equal(1500L * 200, result.Metrics.OutputTokens);
        Assert.Equal(1500L * 2000, result.Metrics.PromptTokens);
        Assert.True(result.Metrics.Ttft.Quantile(0) > 0);
    }

    [Fact]
    public void Decode_no_longer_waits_behind_prefills()
    {
        // Long prompts interleaved with decodes stretch inter-token gaps on shared replicas; a decode pool avoids that.
        ServingResult shared = Run(null, 24), split = Run(new Disaggregation(2, 50), 24);
        Assert.True(split.Metrics.Tpot.Quantile(0.99) < shared.Metrics.Tpot.Quantile(0.99),
            $"p99 TPOT split {split.Metrics.Tpot.Quantile(0.99) * 1e3:0.0} ms vs shared {shared.Metrics.Tpot.Quantile(0.99) * 1e3:0.0} ms");
    }

    [Fact]
    public void A_slow_link_shows_up_in_time_per_output_token()
    {
        // The transfer sits between the first token and the second, so it spreads over the other 199 output tokens.
        double bytes = 2000 * ServingScenarios.Llama8bOnH100.Model.KvBytesPerToken(ServingScenarios.Llama8bOnH100.KvCache);
        double fast = Run(new Disaggregation(2, 50), 5, 300).Metrics.Tpot.Mean;
        double slow = Run(new Disaggregation(2, 0.1), 5, 300).Metrics.Tpot.Mean;
        double expected = ((bytes / 0.1e9) - (bytes / 50e9)) / 199;
        Assert.InRange(slow - fast, 0.9 * expected, 1.1 * expected);
    }

    [Theory]
    [InlineData(1, 100, 1000)]
    [InlineData(1, 4000, 20)]
    public void Each_pools_busy_share_is_reported_apart_and_they_average_to_the_whole(int prefillReplicas, int prompt, int output)
    {
        ServingResult result = Run(new Disaggregation(prefillReplicas, 50), 8, 600, prompt, output);
        (double prefill, double decode) = result.PoolUtilisation!.Value;
        Assert.InRange(prefill, 0, 1);
        Assert.InRange(decode, 0, 1);
        Assert.Equal(result.Utilisation, ((prefillReplicas * prefill) + ((4 - prefillReplicas) * decode)) / 4, 12);

        // Short prompts and long answers keep the decode pool the busier; long prompts and short answers, the prefill pool.
        Assert.True(prompt < output ? decode > prefill : prefill > decode, $"prefill {prefill:P1}, decode {decode:P1}");
        Assert.Contains(result.Scalars(), s => s.Name == "decode_utilisation" && s.Value == decode);
    }

    [Fact]
    public void A_colocated_run_reports_no_pools()
    {
        ServingResult result = Run(null, 8, 100);
        Assert.Null(result.PoolUtilisation);
        Assert.DoesNotContain(result.Scalars(), s => s.Name.EndsWith("_utilisation", StringComparison.Ordinal));
    }

    [Fact]
    public void Pools_must_both_exist()
    {
        Assert.Throws<ArgumentException>(() => Run(new Disaggregation(4, 50), 1, 10));
        Assert.Throws<ArgumentException>(() => Run(new Disaggregation(0, 50), 1, 10));
    }
}
