namespace ClusterSim.Core.Inference.Workload;

/// <summary>
/// A fixed-concurrency benchmark in its steady state. Started together with fixed lengths, simulated users stay in
/// lock-step and queue their prompts behind each other for ever; real ones drift apart. So the users start spread over
/// one request's duration at this load (found by one fixed-point step from the unloaded duration), and the runs of
/// several seeds are returned, since the arrangement of starts a seed draws persists.
/// </summary>
public static class SteadyClosedLoop
{
    /// <summary>
    /// The runs at <paramref name="concurrency"/>, one per seed from 1 to <paramref name="seeds"/>.
    /// <paramref name="run"/> simulates (concurrency, ramp-up seconds, seed).
    /// </summary>
    public static IReadOnlyList<ServingResult> Runs(Func<int, double, long, ServingResult> run, int concurrency, int seeds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(seeds, 1);
        double unloaded = run(1, 0, 1).Metrics.EndToEnd.Mean;
        double loaded = Enumerable.Range(1, seeds).Average(seed => run(concurrency, unloaded, seed).Metrics.EndToEnd.Mean);
        return Enumerable.Range(1, seeds).Select(seed => run(concurrency, loaded, seed)).ToList();
    }
}
