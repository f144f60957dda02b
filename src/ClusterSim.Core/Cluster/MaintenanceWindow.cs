namespace ClusterSim.Core.Cluster;

/// <summary>
/// Planned maintenance: whole nodes of a pool taken offline for a while, once or on a schedule (a weekly rolling
/// update, a rack's firmware). At its start the workloads on them make way — training checkpoints at the notice and
/// queues again (no work lost), serving replicas stop (a request-level one once it has finished its requests) — and at
/// its end the accelerators return.
/// </summary>
public sealed record MaintenanceWindow
{
    public required string Name { get; init; }
    public required string Pool { get; init; }

    /// <summary>Accelerators taken offline: whole nodes of the pool.</summary>
    public required int Accelerators { get; init; }

    /// <summary>Seconds after the cluster starts that the first window opens.</summary>
    public double StartSeconds { get; init; }

    /// <summary>How long each window lasts, seconds.</summary>
    public required double Seconds { get; init; }

    /// <summary>Seconds from one window's start to the next's; 0: once.</summary>
    public double EverySeconds { get; init; }

    /// <summary>Throws naming the first field out of range.</summary>
    public MaintenanceWindow Validated() =>
        Accelerators > 0 && StartSeconds >= 0 && Seconds > 0 && double.IsFinite(Seconds) && (EverySeconds == 0 || EverySeconds > Seconds)
            ? this
            : throw new ArgumentException(
                $"maintenance {Name}: accelerators > 0, a start ≥ 0, a positive length and a period of 0 (once) or longer than the window expected (got {Accelerators}, {StartSeconds} s, {Seconds} s, every {EverySeconds} s)");
}
