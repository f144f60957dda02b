using ClusterSim.Core.Economics;

namespace ClusterSim.Experiments.Files;

/// <summary>A serving deployment of a <c>cluster:</c> section: its demand and scaling, and a measurable cell per pool it may use.</summary>
public sealed record ClusterDeploymentSpec
{
    public required string Name { get; init; }
    public required DemandCurve Demand { get; init; }
    public double LaunchSeconds { get; init; }
    public double Headroom { get; init; }
    public double ColdStartSeconds { get; init; }
    public int MinReplicas { get; init; }

    /// <summary>Served request by request on the cluster's clock (<c>fidelity: requests</c>) rather than at the capacity level.</summary>
    public bool RequestLevel { get; init; }

    /// <summary>Request level: how requests are routed among the fleet's replicas, of whatever hardware.</summary>
    public ClusterSim.Core.Inference.Routing.RouterKind Router { get; init; } = ClusterSim.Core.Inference.Routing.RouterKind.LeastOutstanding;

    /// <summary>Replicas in the cell simulated to measure one replica's capacity at the SLO.</summary>
    public int CellReplicas { get; init; }

    /// <summary>
    /// Per pool, the serving point whose cell is measured (its replica shape, workload and SLO); a disaggregated one's
    /// cell is one unit of prefill and decode replicas, the decode replicas on <c>DecodePool</c> (else null).
    /// </summary>
    public required IReadOnlyList<(string Pool, ServingPoint Cell, string? DecodePool)> Placements { get; init; }
}
