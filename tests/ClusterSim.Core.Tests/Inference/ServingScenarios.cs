using ClusterSim.Core.Catalog;
using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.Routing;
using ClusterSim.Core.Inference.Workload;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Inference;

internal static class ServingScenarios
{
    public static ServingDeployment Llama8bOnH100 => SimCatalog.Default.Deployment("llama-3.1-8b", "H100-SXM", weights: Precision.FP8);

    public static ServingScenario Poisson(double rate, int requests, SchedulerKind kind = SchedulerKind.ChunkedPrefill, int replicas = 1,
        RouterKind router = RouterKind.LeastOutstanding, bool macro = true, long seed = 1, ServingDeployment? deployment = null, ArrivalProcess? arrivals = null) => new()
    {
        Replicas = [new ReplicaGroup(deployment ?? Llama8bOnH100, new SchedulerOptions { Kind = kind, MaxSequences = 128, MaxBatchedTokens = 4096 }, replicas)],
        Router = router,
        Workload = s => RequestSource.Open(arrivals ?? ArrivalProcess.Poisson(rate), TokenLengths.LogNormalFromMeanMedian(512, 350, 4096), TokenLengths.LogNormalFromMeanMedian(256, 180, 2048), s),
        MaxRequests = requests,
        MacroStepping = macro,
        Seed = seed,
    };

    /// <summary>
    /// Prompts of mixed lengths (log-normal, mean 1,500) under a 512-token chunked-prefill budget: prompts often queue
    /// behind prompts and share an iteration's budget, so prefill stretches carry several at once.
    /// </summary>
    public static ServingScenario MixedPromptsChunked(double rate, int requests, bool macro, int replicas = 1, RouterKind router = RouterKind.LeastOutstanding) => new()
    {
        Replicas = [new ReplicaGroup(Llama8bOnH100, new SchedulerOptions { Kind = SchedulerKind.ChunkedPrefill, MaxSequences = 64, MaxBatchedTokens = 512 }, replicas)],
        Router = router,
        Workload = s => RequestSource.Open(ArrivalProcess.Poisson(rate), TokenLengths.LogNormalFromMeanMedian(1500, 900, 8192), TokenLengths.LogNormalFromMeanMedian(200, 120, 2048), s),
        MaxRequests = requests,
        MacroStepping = macro,
        SeriesIntervalSeconds = 5,
        Seed = 7,
    };

    /// <summary>Vidur's scenario (<see cref="ClusterSim.Tests.VidurScenario"/>) with 10-second series: prefill stretches cover most iterations.</summary>
    public static ServingScenario LongPromptsChunked(double rate, int requests, bool macro = true, int prompt = 2048, int output = 512) =>
        ClusterSim.Tests.VidurScenario.Poisson(rate, requests, prompt, output, macro, seriesIntervalSeconds: 10);

    /// <summary><paramref name="scenario"/> with every replica forming its next step while one runs (vLLM's async scheduling).</summary>
    public static ServingScenario AsyncScheduled(ServingScenario scenario) => scenario with
    {
        Replicas = [.. scenario.Replicas.Select(g => g with { Scheduler = g.Scheduler with { AsyncScheduling = true } })],
    };
}
