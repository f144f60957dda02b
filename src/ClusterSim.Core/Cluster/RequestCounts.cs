namespace ClusterSim.Core.Cluster;

/// <summary>
/// A request-level deployment's requests at the end of a cluster run: arrived, completed, dropped (of which
/// <paramref name="OverContext"/> were longer than the server's context), within the SLO, and still in flight; with clients
/// that send no <c>max_tokens</c>, <paramref name="CutAtContext"/> answers the server cut at its context (null otherwise).
/// </summary>
public sealed record RequestCounts(long Arrived, long Completed, long Dropped, long MeetingSlo, long InFlight, long OverContext = 0, long? CutAtContext = null)
{
    /// <summary>Under conditional prefill/decode units, the share of requests prefilled on their decode replica; null otherwise.</summary>
    public double? PrefilledLocally { get; init; }

    /// <summary>Every request that arrived finished, was dropped, or is still in flight.</summary>
    public bool Conserved => Arrived == Completed + Dropped + InFlight;
}
