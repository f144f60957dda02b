using ClusterSim.Core.Cluster;
using ClusterSim.Core.Economics;

namespace ClusterSim.Experiments.Files;

/// <summary>
/// A <c>cluster:</c> section, resolved: pools, training jobs, and serving deployments whose replica capacity at their SLO
/// is measured (by simulating a cell request by request) when the point runs.
/// </summary>
public sealed record ClusterSpec
{
    public required ClusterPolicy Policy { get; init; }
    public required double HorizonSeconds { get; init; }
    public required double IntervalSeconds { get; init; }
    public required double HarvestLookaheadSeconds { get; init; }
    public required EnergyModel Energy { get; init; }
    public required IReadOnlyList<AcceleratorPool> Pools { get; init; }
    public required IReadOnlyList<ClusterTrainingJob> Jobs { get; init; }
    public required IReadOnlyList<ClusterDeploymentSpec> Deployments { get; init; }

    /// <summary>Planned maintenance windows (none unless the file names some).</summary>
    public IReadOnlyList<MaintenanceWindow> Maintenance { get; init; } = [];
}
