using System.Globalization;
using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.Workload;
using ClusterSim.Experiments.Files;

namespace ClusterSim.Experiments.Running;

/// <summary>
/// Measures the saturation rate (requests/s) of a point's cluster by simulation: a closed loop deep
/// enough to keep every batch full, with the point's length distributions. A 'load' of 0.8 means 80 % of it.
/// </summary>
public static class SaturationFinder
{
    /// <summary>Completed requests per second with the queue never empty.</summary>
    /// <exception cref="UnmeetableSloException">No request finished while the queue was full (the workload's requests are
    /// longer than the server's context, or never fit its KV cache), so there is no rate to take a load of.</exception>
    public static double Measure(ServingPoint point, long seed)
    {
        int replicas = point.Replicas.Sum(g => g.Count);
        int depth = point.Replicas.Max(g => g.Scheduler.MaxSequences) * 2 * replicas;
        var scenario = new ServingScenario
        {
            Replicas = point.Replicas,
            Disaggregation = point.Disaggregation,
            Router = point.Router,
            Workload = s => RequestSource.ClosedLoop(depth, 0, point.Prompt.Build(), point.Output.Build(), s),
            MaxRequests = Math.Max(8L * depth, 4000L * replicas),
            Seed = seed,
            SampleSeries = false,   // only the sustained rate is read
        };
        ServingResult run = new ServingCluster(scenario).Run();
        if (run.SustainedRequestsPerSecond is > 0 and < double.PositiveInfinity)
        {
            return run.SustainedRequestsPerSecond;
        }

        // Refused requests are answered at once and the loop sends the next, so its request budget can run out before a
        // single one finishes.
        ServingMetrics m = run.Metrics;
        var deployment = point.Replicas[0].Deployment;
        throw new UnmeetableSloException(string.Create(CultureInfo.InvariantCulture,
            $"serving: {deployment.Model.Id} on {deployment.Accelerator.Id} refused {m.Dropped:N0} of the {m.Arrived:N0} requests of the loop that measures its saturation rate ({m.OverContext:N0} longer than the server's context of {deployment.ContextLimit:N0} tokens) before one finished, so there is no rate to take a load of; shorten the requests or serve them where they fit"));
    }
}
