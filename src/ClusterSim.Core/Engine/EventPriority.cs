namespace ClusterSim.Core.Engine;

/// <summary>
/// The order of simultaneous events, defined in one place: lower runs first. Arrivals and hand-offs come before the
/// end of an iteration at the same instant (so a request that arrives as a step ends can join the next), and metric
/// samples come last (so they see the state after everything that happened at that time).
/// </summary>
public static class EventPriority
{
    /// <summary>Arrivals, dispatches, transfers: the default.</summary>
    public const int Arrival = 0;

    /// <summary>The end of a replica's iteration or macro-step.</summary>
    public const int IterationEnd = 1;

    /// <summary>Periodic samples of queue, KV and latency series.</summary>
    public const int Sample = 2;
}
