using BenchmarkDotNet.Attributes;
using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.Workload;

namespace ClusterSim.Bench;

/// <summary>
/// The scale harness's serving run with prefix caching on and a shared-prefix prompt set (20 system prompts × 50
/// users): the cache's bookkeeping must keep time per request flat and allocate nothing that grows with the request
/// count once its blocks are all known.
/// </summary>
[MemoryDiagnoser]
public class PrefixCachedServingBenchmark
{
    /// <summary>80 % of the saturation rate the scale harness measured for this replica before the GEMM kernel floor (46.1 requests/s; 49.6 with it), kept for comparable figures.</summary>
    private const double Rate = 36.9;

    [Params(20_000, 200_000)]
    public int Requests { get; set; }

    [Benchmark]
    public long Run()
    {
        ServingScenario open = ScaleHarness.Open(Rate, Requests, seed: 1);
        var scenario = open with
        {
            Replicas = [open.Replicas[0] with { Scheduler = open.Replicas[0].Scheduler with { PrefixCaching = true } }],
            Workload = s => RequestSource.Open(ArrivalProcess.Poisson(Rate), ScaleHarness.Prompt(), ScaleHarness.Output(), s, new PromptSet(20, 50, 500)),
        };
        return new ServingCluster(scenario).Run().Metrics.Completed;
    }
}
