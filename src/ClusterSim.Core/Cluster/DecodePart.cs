namespace ClusterSim.Core.Cluster;

/// <summary>
/// A disaggregated placement's decode replicas: the pool they run on, the accelerators one unit holds there, and their
/// busy share on the measured unit at its capacity (decode replicas are busy for a share of their time of their own:
/// the unit's prefill replicas may idle while its decode ones run full, or the reverse).
/// </summary>
public sealed record DecodePart(string Pool, int Accelerators, double Utilisation)
{
    /// <summary>Throws naming the field out of range.</summary>
    public DecodePart Validated() => Accelerators >= 1 && Utilisation is >= 0 and <= 1 ? this
        : throw new ArgumentException($"decode part on {Pool}: accelerators ≥ 1 and utilisation in [0, 1] expected (got {Accelerators}, {Utilisation})");
}
