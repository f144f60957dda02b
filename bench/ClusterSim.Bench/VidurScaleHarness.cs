using System.Diagnostics;
using ClusterSim.Core.Catalog;
using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.Workload;
using ClusterSim.Core.Performance;

namespace ClusterSim.Bench;

/// <summary>
/// The scenario Vidur ships with: Llama-2-70B on two A100-80GB (TP 2), chunked prefill of 512 tokens, up to 128
/// sequences, Poisson arrivals at 0.3 requests/s, fixed 2,048 prompt and 512 output tokens. Prints simulated requests
/// per wall-clock second, events per request and peak memory, for the 10,000 and 1,000,000-request targets.
/// </summary>
internal static class VidurScaleHarness
{
    public static ServingScenario Scenario(long requests, int seed) => ClusterSim.Tests.VidurScenario.Poisson(0.3, requests, seed: seed);

    public static void Run(long requests, int repeats)
    {
        var rates = new List<double>();
        for (int i = 0; i < repeats; i++)
        {
            GC.Collect();
            var clock = Stopwatch.StartNew();
            ServingResult result = new ServingCluster(Scenario(requests, i + 1)).Run();
            clock.Stop();
            double perSecond = result.Metrics.Completed / clock.Elapsed.TotalSeconds;
            rates.Add(perSecond);
            Console.WriteLine(
                $"run {i + 1}: {clock.Elapsed.TotalSeconds:F3} s wall, {perSecond / 1e6:F3} M requests/s, {result.EventsFired / (double)result.Metrics.Completed:F1} events/request, " +
                $"{result.Metrics.Iterations / (double)result.Metrics.Completed:F1} iterations/request, TTFT p50 {result.Metrics.Ttft.Quantile(0.5) * 1e3:F0} ms, " +
                $"TPOT p50 {result.Metrics.Tpot.Quantile(0.5) * 1e3:F1} ms, conserved {result.Conserved}");
        }

        rates.Sort();
        using var process = Process.GetCurrentProcess();
        Console.WriteLine($"median {rates[rates.Count / 2] / 1e6:F3} M simulated requests per wall second; peak working set {process.PeakWorkingSet64 / 1e6:F0} MB");
    }
}
