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
        return new ServingCluster(scenario).Run().SustainedRequestsPerSecond;
    }
}
