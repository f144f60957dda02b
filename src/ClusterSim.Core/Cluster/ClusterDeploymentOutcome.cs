namespace ClusterSim.Core.Cluster;

/// <summary>How a serving deployment fared: output tokens asked for and served within the SLO, mean replicas, peak accelerators, and what it held and cost.</summary>
public sealed record ClusterDeploymentOutcome(
    string Name,
    double DemandTokens,
    double ServedTokens,
    double MeanReplicas,
    int PeakAccelerators,
    double AcceleratorHours,
    double CostUsd,
    double Kwh)
{
    /// <summary>Request level: what happened to its requests; null at the capacity level.</summary>
    public RequestCounts? Requests { get; init; }

    /// <summary>
    /// Request level: the share of finished requests (dropped ones included) that met the SLO. Capacity level: the share
    /// of demanded tokens served with capacity at the SLO. 1 with no demand.
    /// </summary>
    public double SloAttainment => Requests is { } r
        ? (r.Completed + r.Dropped > 0 ? r.MeetingSlo / (double)(r.Completed + r.Dropped) : 1)
        : DemandTokens > 0 ? ServedTokens / DemandTokens : 1;

    /// <summary>USD per million output tokens served.</summary>
    public double CostPerMillionTokens => ServedTokens > 0 ? CostUsd / ServedTokens * 1e6 : double.NaN;
}
