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
    /// <summary>Share of demanded tokens served with capacity at the SLO (1 with no demand).</summary>
    public double SloAttainment => DemandTokens > 0 ? ServedTokens / DemandTokens : 1;

    /// <summary>USD per million output tokens served.</summary>
    public double CostPerMillionTokens => ServedTokens > 0 ? CostUsd / ServedTokens * 1e6 : double.NaN;
}
