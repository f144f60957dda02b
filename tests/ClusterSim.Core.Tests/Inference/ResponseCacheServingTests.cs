using ClusterSim.Core.Engine;
using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.Workload;

namespace ClusterSim.Core.Tests.Inference;

/// <summary>Repeated queries by popularity, and the front-end cache that answers them again without inference.</summary>
public class ResponseCacheServingTests
{
    private static ServingScenario Faq(int catalog, double zipf, ResponseCacheOptions? cache, double rate = 0.2, int requests = 100) => new()
    {
        Replicas = [new ReplicaGroup(ServingScenarios.Llama8bOnH100, new SchedulerOptions())],
        Workload = s => RequestSource.Open(ArrivalProcess.Constant(rate), TokenLengths.Fixed(500), TokenLengths.Fixed(100), s, queries: new QueryPopularity(catalog, zipf)),
        MaxRequests = requests,
        ResponseCache = cache,
    };

    [Fact]
    public void Zipf_queries_follow_their_law()
    {
        var law = new QueryPopularity(100, 1.0);
        double harmonic = Enumerable.Range(1, 100).Sum(k => 1.0 / k);
        Assert.Equal(1 / harmonic, law.Probability(0), 12);
        RandomStream random = new RandomStreams(5).For("zipf");
        int[] counts = new int[100];
        for (int i = 0; i < 200_000; i++)
        {
            counts[law.Sample(random)]++;
        }

        Assert.InRange(counts[0] / 200_000.0, law.Probability(0) * 0.98, law.Probability(0) * 1.02);
        Assert.InRange(counts[9] / 200_000.0, law.Probability(9) * 0.93, law.Probability(9) * 1.07);
    }

    [Fact]
    public void A_repeated_query_is_answered_by_the_cache_after_its_first_answer()
    {
        // One query every 5 s; each takes about a second to answer, so every request after the first finds it cached.
        ServingResult result = new ServingCluster(Faq(1, 0, new ResponseCacheOptions { LookupSeconds = 0.005 })).Run();
        Assert.True(result.Conserved);
        Assert.Equal(100, result.Metrics.Completed);
        Assert.Equal(99, result.Metrics.ResponseCacheHits);
        Assert.Equal(100, result.Metrics.ResponseCacheLookups);
        // A cached answer costs the front end's latency and the lookup, no inference.
        Assert.Equal(ServingScenarios.Llama8bOnH100.Efficiency.RequestOverheadSeconds + 0.005, result.Metrics.Ttft.Quantile(0.5), 3);
        Assert.Contains(result.Scalars(), s => s.Name == "response_cache_hit_rate" && s.Value == 0.99);
    }

    [Fact]
    public void A_split_deployments_answer_is_cached_when_its_decode_side_finishes()
    {
        // The same query every 5 s to one prefill and one decode replica: the first is answered by both, the rest by the cache.
        ServingScenario faq = Faq(1, 0, new ResponseCacheOptions());
        ServingResult result = new ServingCluster(faq with
        {
            Replicas = [faq.Replicas[0] with { Count = 2 }],
            Disaggregation = new Disaggregation(1, 50),
        }).Run();

        Assert.True(result.Conserved);
        Assert.Equal(100, result.Metrics.Completed);
        Assert.Equal(99, result.Metrics.ResponseCacheHits);
        Assert.Equal(100, result.Metrics.ResponseCacheLookups);
    }

    [Fact]
    public void Expired_and_evicted_answers_are_not_served()
    {
        // Answers expire after 1 s but the query returns every 5 s.
        ServingResult expired = new ServingCluster(Faq(1, 0, new ResponseCacheOptions { TtlSeconds = 1 })).Run();
        Assert.Equal(0, expired.Metrics.ResponseCacheHits);

        // Two equally likely queries and room for one answer: a hit needs the same query twice in a row.
        ServingResult small = new ServingCluster(Faq(2, 0, new ResponseCacheOptions { Entries = 1 }, requests: 400)).Run();
        ServingResult large = new ServingCluster(Faq(2, 0, new ResponseCacheOptions { Entries = 2 }, requests: 400)).Run();
        Assert.InRange(small.Metrics.ResponseCacheHits / 400.0, 0.4, 0.6);
        Assert.Equal(398, large.Metrics.ResponseCacheHits);
    }

    [Fact]
    public void Without_a_cache_queries_are_plain_requests()
    {
        ServingResult plain = new ServingCluster(Faq(50, 1, null)).Run();
        ServingResult off = new ServingCluster(Faq(50, 1, new ResponseCacheOptions { Entries = 0 })).Run();
        Assert.Equal(plain.Metrics.EndToEnd.Sum, off.Metrics.EndToEnd.Sum);
        Assert.DoesNotContain(plain.Scalars(), s => s.Name == "response_cache_hit_rate");
    }
}
