using ClusterSim.Core.Economics;

namespace ClusterSim.Core.Cluster;

/// <summary>A shared cluster and everything placed on it, validated and frozen before a run.</summary>
public sealed record ClusterOptions
{
    public required IReadOnlyList<AcceleratorPool> Pools { get; init; }
    public IReadOnlyList<ClusterTrainingJob> Jobs { get; init; } = [];
    public IReadOnlyList<ClusterDeployment> Deployments { get; init; } = [];
    public ClusterPolicy Policy { get; init; } = ClusterPolicy.Shared;

    /// <summary>Planned maintenance: whole nodes of a pool offline for a while, once or on a schedule.</summary>
    public IReadOnlyList<MaintenanceWindow> Maintenance { get; init; } = [];

    /// <summary>Simulated span, seconds.</summary>
    public required double HorizonSeconds { get; init; }

    /// <summary>Seconds between autoscaling and scheduling decisions (and rows of the time series).</summary>
    public double IntervalSeconds { get; init; } = 300;

    /// <summary>
    /// Under <see cref="ClusterPolicy.Harvest"/>: how far ahead serving's demand is read before an elastic job grows
    /// into idle capacity, and how long a job runs undisturbed before it may grow again, seconds.
    /// </summary>
    public double HarvestLookaheadSeconds { get; init; } = 3 * 3600;

    /// <summary>Seed of the random streams (one per job, for its failures).</summary>
    public long Seed { get; init; } = 1;

    /// <summary>Price and facility overhead of energy.</summary>
    public EnergyModel Energy { get; init; } = new();

    /// <summary>Throws naming the first inconsistency: duplicate names, unknown pools, hardware that does not match its pool, gangs larger than their pool.</summary>
    public ClusterOptions Validated()
    {
        if (Pools.Count == 0 || HorizonSeconds <= 0 || IntervalSeconds <= 0 || IntervalSeconds > HorizonSeconds || HarvestLookaheadSeconds < 0)
        {
            throw new ArgumentException(
                $"cluster: at least one pool, a positive horizon, an interval within it and a non-negative harvest look-ahead expected (got {Pools.Count} pools, {HorizonSeconds} s, {IntervalSeconds} s, {HarvestLookaheadSeconds} s)");
        }

        Energy.Validated();
        var pools = new Dictionary<string, AcceleratorPool>(StringComparer.Ordinal);
        foreach (AcceleratorPool pool in Pools)
        {
            if (!pools.TryAdd(pool.Validated().Name, pool))
            {
                throw new ArgumentException($"cluster: pool '{pool.Name}' is named twice");
            }
        }

        var workloads = new HashSet<string>(StringComparer.Ordinal);
        foreach (ClusterTrainingJob job in Jobs)
        {
            job.Validated();
            AcceleratorPool pool = PoolOf(pools, job.Pool, $"job {job.Name}");
            if (!workloads.Add(job.Name))
            {
                throw new ArgumentException($"cluster: workload '{job.Name}' is named twice");
            }

            if (job.Job.Accelerator.Id != pool.Accelerator.Id)
            {
                throw new ArgumentException($"job {job.Name}: planned on {job.Job.Accelerator.Id} but pool {pool.Name} holds {pool.Accelerator.Id}");
            }

            int limit = Policy == ClusterPolicy.Static ? pool.Count - pool.ServingReserve : pool.Count;
            if (job.Gang > limit)
            {
                throw new ArgumentException($"job {job.Name}: needs {job.Gang} accelerators at once but pool {pool.Name} has {limit} for training");
            }
        }

        foreach (ClusterDeployment deployment in Deployments)
        {
            deployment.Validated();
            if (!workloads.Add(deployment.Name))
            {
                throw new ArgumentException($"cluster: workload '{deployment.Name}' is named twice");
            }

            foreach (DeploymentPlacement placement in deployment.Placements)
            {
                AcceleratorPool pool = PoolOf(pools, placement.Pool, $"deployment {deployment.Name}");
                // A unit's parts are several replicas each, which may span nodes as a part while each replica keeps to one (the
                // experiment file checks the prefill and decode replicas' own sizes); a colocated placement's replica is checked here.
                if (placement.Decode is null && !AcceleratorPool.HoldsReplica(pool.NodeSize, placement.AcceleratorsPerReplica))
                {
                    throw new ArgumentException(
                        $"deployment {deployment.Name}: a replica of {placement.AcceleratorsPerReplica} accelerators neither fits a node of {pool.NodeSize} in pool {pool.Name} nor fills whole nodes");
                }

                if (placement.Decode is { } decode)
                {
                    _ = PoolOf(pools, decode.Pool, $"deployment {deployment.Name}'s decode replicas");
                }
            }
        }

        var windows = new HashSet<string>(StringComparer.Ordinal);
        foreach (MaintenanceWindow window in Maintenance)
        {
            window.Validated();
            AcceleratorPool pool = PoolOf(pools, window.Pool, $"maintenance {window.Name}");
            if (!windows.Add(window.Name))
            {
                throw new ArgumentException($"cluster: maintenance '{window.Name}' is named twice");
            }

            if (window.Accelerators > pool.Count || window.Accelerators % pool.NodeSize != 0)
            {
                throw new ArgumentException($"maintenance {window.Name}: takes whole nodes of pool {pool.Name} ({pool.NodeSize} accelerators each, {pool.Count} in all); got {window.Accelerators}");
            }
        }

        return this;
    }

    private static AcceleratorPool PoolOf(Dictionary<string, AcceleratorPool> pools, string name, string who) =>
        pools.TryGetValue(name, out AcceleratorPool? pool) ? pool
        : throw new ArgumentException($"{who}: no pool named '{name}' (pools: {string.Join(", ", pools.Keys)})");
}
