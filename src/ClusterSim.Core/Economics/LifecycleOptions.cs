using ClusterSim.Core.Training;

namespace ClusterSim.Core.Economics;

/// <summary>
/// A model's life: its simulated training run, then serving a growing demand on an autoscaled fleet of replicas
/// whose SLO-holding capacity was measured by simulating a cell of replicas in full detail.
/// </summary>
public sealed record LifecycleOptions
{
    /// <summary>The simulated training run; null to cost serving alone (a hardware comparison).</summary>
    public TrainingResult? Training { get; init; }

    /// <summary>Output tokens per second one replica sustains while meeting the SLO (from the cell simulation).</summary>
    public required double ReplicaTokensPerSecond { get; init; }

    /// <summary>Busy share of a replica running at that capacity (from the cell simulation), for energy.</summary>
    public double ReplicaUtilisationAtCapacity { get; init; } = 1;
    public required int AcceleratorsPerReplica { get; init; }
    public required double ServingTdpWatts { get; init; }
    public required DemandCurve Demand { get; init; }
    public required CostModel TrainingCost { get; init; }
    public required CostModel ServingCost { get; init; }

    /// <summary>Days of serving after launch.</summary>
    public double ServingDays { get; init; } = 730;

    /// <summary>Spare capacity the autoscaler keeps: it provisions demand / (capacity × (1 − headroom)).</summary>
    public double Headroom { get; init; } = 0.2;

    /// <summary>Time a new replica is paid for before it serves, seconds.</summary>
    public double ColdStartSeconds { get; init; } = 600;

    /// <summary>Yearly gain in tokens per second per replica from software (MLPerf: 1.44× in a year on the same H100s).</summary>
    public double SoftwareGainPerYear { get; init; }

    /// <summary>Days from the end of training to the serving launch (0: serving starts when training ends).</summary>
    public double LaunchDelayDays { get; init; }

    /// <summary>Throws when a field is out of range.</summary>
    public LifecycleOptions Validated()
    {
        if (ReplicaTokensPerSecond <= 0 || AcceleratorsPerReplica < 1 || ServingDays <= 0 || Headroom is < 0 or >= 1 || ColdStartSeconds < 0 || SoftwareGainPerYear <= -1 || LaunchDelayDays < 0)
        {
            throw new ArgumentException(
                $"lifecycle: capacity {ReplicaTokensPerSecond} tok/s must be positive, horizon_days > 0, headroom in [0, 1), cold_start_s ≥ 0, software_gain_per_year > -1, launch_delay_days ≥ 0");
        }

        Demand.Validated();
        TrainingCost.Validated();
        ServingCost.Validated();
        return this;
    }
}
