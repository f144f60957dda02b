using ClusterSim.Core.Economics;

namespace ClusterSim.Core.Cluster;

/// <summary>A model served on a shared cluster: its demand over time, the pools and replica shapes it may use, and how it scales.</summary>
public sealed record ClusterDeployment
{
    public required string Name { get; init; }

    /// <summary>Replica shapes by pool; replicas go to the cheapest per token first, so a fleet may mix hardware.</summary>
    public required IReadOnlyList<DeploymentPlacement> Placements { get; init; }

    /// <summary>Output tokens asked for, from <see cref="LaunchSeconds"/> on.</summary>
    public required DemandCurve Demand { get; init; }

    /// <summary>Seconds after the cluster starts that serving begins.</summary>
    public double LaunchSeconds { get; init; }

    /// <summary>Share of capacity kept spare above the coming interval's peak demand.</summary>
    public double Headroom { get; init; } = 0.2;

    /// <summary>Seconds a new replica is held (loading weights) before it serves.</summary>
    public double ColdStartSeconds { get; init; } = 600;

    /// <summary>Replicas kept even when demand would need fewer.</summary>
    public int MinReplicas { get; init; } = 1;

    /// <summary>
    /// When set, the deployment is served request by request on the cluster's clock: an elastic serving scenario whose
    /// groups are the placements' replica shapes, in placement order, and whose arrivals follow the demand. The
    /// autoscaler still sizes it from the placements' measured capacity; its replicas then serve real requests, and its
    /// SLO attainment is the share of requests that meet the SLO. Null: capacity-level (demand beyond capacity misses).
    /// </summary>
    public Inference.ServingScenario? Requests { get; init; }

    /// <summary>Throws naming the first field out of range.</summary>
    public ClusterDeployment Validated()
    {
        if (Placements.Count == 0 || LaunchSeconds < 0 || Headroom is < 0 or >= 1 || ColdStartSeconds < 0 || MinReplicas < 0)
        {
            throw new ArgumentException(
                $"deployment {Name}: at least one placement, launch ≥ 0, headroom in [0, 1), cold start ≥ 0 and min_replicas ≥ 0 expected");
        }

        foreach (DeploymentPlacement p in Placements)
        {
            p.Validated();
        }

        Demand.Validated();
        // A disaggregated placement (then the only one) adds units of the scenario's one or two shapes, prefill and decode.
        bool units = Placements.Count == 1 && Placements[0].Decode is not null;
        if (Requests is { } requests && (!requests.Elastic || (units ? requests.UnitDecodeReplicas < 1 : requests.Replicas.Count != Placements.Count)))
        {
            throw new ArgumentException($"deployment {Name}: a request-level deployment needs an elastic scenario with one replica shape per placement, or units of prefill and decode replicas for its one disaggregated placement");
        }

        return this;
    }
}
