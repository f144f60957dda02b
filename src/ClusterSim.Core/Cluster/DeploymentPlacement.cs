namespace ClusterSim.Core.Cluster;

/// <summary>
/// One replica shape of a serving deployment on one pool, with the capacity a measured cell of such replicas holds at
/// the deployment's SLO (output tokens per second per replica) and its busy share there. Disaggregated (with
/// <see cref="Decode"/>), a "replica" is the unit the autoscaler adds: its prefill replicas on <see cref="Pool"/> and
/// its decode replicas on the decode part's pool, with the capacity a measured unit holds; <see cref="ReplicaUtilisation"/> is
/// then the busy share of its prefill replicas, and the decode part carries its own.
/// </summary>
public sealed record DeploymentPlacement(string Pool, int AcceleratorsPerReplica, double ReplicaTokensPerSecond, double ReplicaUtilisation)
{
    /// <summary>Disaggregated: the unit's decode replicas (their pool and accelerators); null when each replica prefills and decodes.</summary>
    public DecodePart? Decode { get; init; }

    /// <summary>Accelerators one replica (a disaggregated unit: both parts) holds in all.</summary>
    public int UnitAccelerators => AcceleratorsPerReplica + (Decode?.Accelerators ?? 0);

    /// <summary>What the placement's calibration is called, for the results.</summary>
    public string Calibration { get; init; } = string.Empty;

    /// <summary>Throws naming the first field out of range.</summary>
    public DeploymentPlacement Validated()
    {
        Decode?.Validated();
        return AcceleratorsPerReplica >= 1 && ReplicaTokensPerSecond > 0 && ReplicaUtilisation is >= 0 and <= 1 ? this
            : throw new ArgumentException($"placement on {Pool}: accelerators per replica ≥ 1, tokens per second > 0 and utilisation in [0, 1] expected (got {AcceleratorsPerReplica}, {ReplicaTokensPerSecond}, {ReplicaUtilisation})");
    }
}
