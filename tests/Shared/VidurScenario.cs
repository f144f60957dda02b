using ClusterSim.Core.Catalog;
using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.Workload;
using ClusterSim.Core.Performance;

namespace ClusterSim.Tests;

/// <summary>
/// The scenario Vidur ships with, for the tests and the speed harness alike: Llama-2-70B on two A100-80GB (TP 2),
/// chunked prefill of 512 tokens, up to 128 sequences, Poisson arrivals, fixed prompt and output lengths (2,048 and 512
/// by default). Each prompt takes four chunked-prefill iterations beside the running decodes.
/// </summary>
internal static class VidurScenario
{
    public static ServingScenario Poisson(double rate, long requests, int prompt = 2048, int output = 512, bool macro = true, long seed = 1, double seriesIntervalSeconds = 60) => new()
    {
        Replicas =
        [
            new ReplicaGroup(
                SimCatalog.Default.Deployment("llama-2-70b", "A100-80GB", tensorParallel: 2),
                new SchedulerOptions { Kind = SchedulerKind.ChunkedPrefill, MaxSequences = 128, MaxBatchedTokens = 512 }),
        ],
        Workload = s => RequestSource.Open(ArrivalProcess.Poisson(rate), TokenLengths.Fixed(prompt), TokenLengths.Fixed(output), s),
        MaxRequests = requests,
        SeriesIntervalSeconds = seriesIntervalSeconds,
        MacroStepping = macro,
        Seed = seed,
    };
}
