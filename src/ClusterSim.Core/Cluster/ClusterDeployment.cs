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
        if (Requests is { } requests && !AddsPlacements(requests))
        {
            throw new ArgumentException($"deployment {Name}: a request-level deployment needs an elastic scenario that adds what each placement is, by its index: a replica, or a unit of prefill and decode replicas for a disaggregated one");
        }

        return this;
    }

    /// <summary>Whether <paramref name="fleet"/> adds, at each placement's index, what the placement is: a unit where it is disaggregated, else a replica.</summary>
    private bool AddsPlacements(Inference.ServingScenario fleet) => fleet.Elastic && (fleet.Placements.Count > 0
        ? fleet.Placements.Select(p => p.IsUnit).SequenceEqual(Placements.Select(p => p.Decode is not null))
        : fleet.Replicas.Count == Placements.Count && Placements.All(p => p.Decode is null));
}
