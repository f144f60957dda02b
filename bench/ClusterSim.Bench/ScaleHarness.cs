using System.Diagnostics;
using ClusterSim.Core.Catalog;
using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.Workload;
using ClusterSim.Core.Performance;

namespace ClusterSim.Bench;

/// <summary>
/// Serving at scale: Llama 3.1 8B (FP8) on one H100 at 80 % of its measured saturation rate (or another share), log-normal
/// lengths (mean 512 in, 256 out). Prints simulated requests per wall-clock second, events and iterations per request, and peak memory.
/// </summary>
internal static class ScaleHarness
{
    /// <summary>The replica: Llama 3.1 8B in FP8 on one H100, chunked prefill, up to 256 sequences.</summary>
    public static ReplicaGroup Group { get; } = new(
        SimCatalog.Default.Deployment("llama-3.1-8b", "H100-SXM", weights: Precision.FP8),
        new SchedulerOptions { Kind = SchedulerKind.ChunkedPrefill, MaxSequences = 256, MaxBatchedTokens = 8192 });

    public static TokenLengths Prompt() => TokenLengths.LogNormalFromMeanMedian(512, 350, 8192);

    public static TokenLengths Output() => TokenLengths.LogNormalFromMeanMedian(256, 180, 4096);

    /// <summary>Poisson arrivals at <paramref name="rate"/> per second until <paramref name="requests"/> have arrived.</summary>
    public static ServingScenario Open(double rate, long requests, int seed) => new()
    {
        Replicas = [Group],
        Workload = s => RequestSource.Open(ArrivalProcess.Poisson(rate), Prompt(), Output(), s),
        MaxRequests = requests,
        SeriesIntervalSeconds = 60,
        Seed = seed,
    };

    public static void Run(long requests, int repeats, double load = 0.8)
    {
        ReplicaGroup group = Group;
        double saturation = new ServingCluster(new ServingScenario
        {
            Replicas = [group],
            Workload = s => RequestSource.ClosedLoop(512, 0, Prompt(), Output(), s),
            MaxRequests = 20_000,
        }).Run().SustainedRequestsPerSecond;
        double rate = load * saturation;
        Console.WriteLine($"saturation {saturation:F1} req/s; offered {rate:F1} req/s; {requests:N0} requests");

        var rates = new List<double>();
        for (int i = 0; i < repeats; i++)
        {
            ServingScenario scenario = Open(rate, requests, i + 1);
            GC.Collect();
            var clock = Stopwatch.StartNew();
            ServingResult result = new ServingCluster(scenario).Run();
            clock.Stop();
            double perSecond = result.Metrics.Completed / clock.Elapsed.TotalSeconds;
            rates.Add(perSecond);
            Console.WriteLine(
                $"run {i + 1}: {clock.Elapsed.TotalSeconds:F2} s wall, {perSecond / 1e6:F2} M requests/s, {result.EventsFired / clock.Elapsed.TotalSeconds / 1e6:F2} M events/s, " +
                $"{result.EventsFired / (double)result.Metrics.Completed:F2} events and {result.Metrics.Iterations / (double)result.Metrics.Completed:F2} iterations per request, simulated {result.DurationSeconds / 3600:F1} h, TTFT p99 {result.Metrics.Ttft.Quantile(0.99) * 1e3:F0} ms, conserved {result.Conserved}");
        }

        rates.Sort();
        using var process = Process.GetCurrentProcess();
        Console.WriteLine($"median {rates[rates.Count / 2] / 1e6:F2} M simulated requests per wall second; peak working set {process.PeakWorkingSet64 / 1e6:F0} MB; managed heap now {GC.GetTotalMemory(false) / 1e6:F0} MB");
    }
}
