using ClusterSim.Core.Catalog;

namespace ClusterSim.Core.Cluster;

/// <summary>A pool of one accelerator type in a shared cluster: how many, in nodes of what size, at what hourly price.</summary>
public sealed record AcceleratorPool
{
    public required string Name { get; init; }
    public required AcceleratorSpec Accelerator { get; init; }
    /// <summary>Accelerators in the pool (0: the pool is absent, so a sweep can compare fleets without it).</summary>
    public required int Count { get; init; }

    /// <summary>Accelerators per node: a serving replica fits in one or fills whole ones (<see cref="HoldsReplica"/>).</summary>
    public int NodeSize { get; init; } = 8;

    /// <summary>
    /// True when a replica of <paramref name="accelerators"/> fits a node of <paramref name="nodeSize"/> or fills whole
    /// nodes (tensor parallelism over two HGX boards: its collectives on the network, timed by the step model).
    /// </summary>
    public static bool HoldsReplica(int nodeSize, int accelerators) => accelerators <= nodeSize || accelerators % nodeSize == 0;

    /// <summary>USD per accelerator-hour, rent or amortised purchase.</summary>
    public required double PricePerHour { get; init; }

    /// <summary>Under <see cref="ClusterPolicy.Static"/>: accelerators set aside for serving; training gets the rest.</summary>
    public int ServingReserve { get; init; }

    /// <summary>Throws naming the first field out of range.</summary>
    public AcceleratorPool Validated()
    {
        if (Count < 0 || NodeSize < 1 || PricePerHour < 0 || ServingReserve < 0 || ServingReserve > Count)
        {
            throw new ArgumentException(
                $"pool {Name}: count ≥ 0, node_size ≥ 1, price_per_hour ≥ 0 and serving_reserve in [0, count] expected (got {Count}, {NodeSize}, {PricePerHour}, {ServingReserve})");
        }

        if (Accelerator.TdpWatts is null)
        {
            throw new ArgumentException($"pool {Name}: {Accelerator.Id} has no TDP in the catalog (tdp_w), so its energy cannot be booked; give it in a hardware CSV");
        }

        return this;
    }
}
