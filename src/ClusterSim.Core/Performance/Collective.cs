namespace ClusterSim.Core.Performance;

/// <summary>
/// Collective times as latency plus bytes over bandwidth (the α–β model). <c>bytes</c> is the size of
/// the buffer each participant holds; <c>bytesPerSecond</c> is the achievable one-way bandwidth per participant.
/// </summary>
public static class Collective
{
    /// <summary>All-reduce of a buffer of <paramref name="bytes"/> over <paramref name="participants"/> ranks.</summary>
    public static double AllReduce(CollectiveAlgorithm algorithm, double bytes, int participants, double bytesPerSecond, double latencySeconds)
    {
        if (participants <= 1)
        {
            return 0;
        }

        return algorithm switch
        {
            CollectiveAlgorithm.Ring => (2.0 * (participants - 1) / participants * bytes / bytesPerSecond) + (2.0 * (participants - 1) * latencySeconds),
            CollectiveAlgorithm.Tree => (2.0 * bytes / bytesPerSecond) + (2.0 * Math.Ceiling(Math.Log2(participants)) * latencySeconds),
            CollectiveAlgorithm.OneShot => ((participants - 1.0) * bytes / bytesPerSecond) + latencySeconds,
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
        };
    }

    /// <summary>Ring reduce-scatter or all-gather: half an all-reduce.</summary>
    public static double AllGather(double bytes, int participants, double bytesPerSecond, double latencySeconds) =>
        participants <= 1 ? 0 : ((participants - 1.0) / participants * bytes / bytesPerSecond) + ((participants - 1) * latencySeconds);

    /// <summary>All-to-all where each rank holds <paramref name="bytes"/> and keeps 1/n of it.</summary>
    public static double AllToAll(double bytes, int participants, double bytesPerSecond, double latencySeconds) =>
        participants <= 1 ? 0 : ((participants - 1.0) / participants * bytes / bytesPerSecond) + ((participants - 1) * latencySeconds);

    /// <summary>
    /// One ring step of a collective across the scale-out network, seconds: 9.6 µs, half the 19.0–19.9 µs nccl-tests
    /// reports for an 8-byte all-reduce (two ring steps) between two A100 nodes, one GPU each, over HDR InfiniBand
    /// (NVIDIA/nccl-tests#150). A figure of the network, not fitted on any serving run.
    /// </summary>
    public const double NetworkStepLatencySeconds = 9.6e-6;

    /// <summary>
    /// All-reduce over <paramref name="participants"/> ranks spread over scale-up domains of <paramref name="domain"/>
    /// each (NCCL's hierarchical layout): a ring inside each domain on the scale-up link (a reduce-scatter and an
    /// all-gather: the ring all-reduce's bytes and steps over <paramref name="domain"/> ranks), and between them a ring
    /// all-reduce of each rank's 1/<paramref name="domain"/> share over the domains on the scale-out network. Within one
    /// domain it is the ring all-reduce.
    /// </summary>
    public static double AllReduceAcrossDomains(double bytes, int participants, int domain, double upBytesPerSecond, double outBytesPerSecond, double upLatencySeconds, double outLatencySeconds)
    {
        if (participants <= domain)
        {
            return AllReduce(CollectiveAlgorithm.Ring, bytes, participants, upBytesPerSecond, upLatencySeconds);
        }

        int domains = participants / domain;
        return AllReduce(CollectiveAlgorithm.Ring, bytes, domain, upBytesPerSecond, upLatencySeconds)
            + AllReduce(CollectiveAlgorithm.Ring, bytes / domain, domains, outBytesPerSecond, outLatencySeconds);
    }

    /// <summary>
    /// All-to-all over <paramref name="participants"/> ranks in scale-up domains of <paramref name="domain"/>: each
    /// rank's 1/n shares for its own domain cross the scale-up link while those for the other domains cross the network,
    /// at once (the slower link sets the time), with a latency step per peer in the domain and per other domain (a
    /// node's traffic to another node gathered on one path, as NCCL's PXN and DeepEP's internode kernels send it).
    /// Within one domain it is <see cref="AllToAll"/>.
    /// </summary>
    public static double AllToAllAcrossDomains(double bytes, int participants, int domain, double upBytesPerSecond, double outBytesPerSecond, double upLatencySeconds, double outLatencySeconds)
    {
        if (participants <= domain)
        {
            return AllToAll(bytes, participants, upBytesPerSecond, upLatencySeconds);
        }

        int domains = participants / domain;
        double inside = (domain - 1.0) / participants * bytes / upBytesPerSecond;
        double across = (participants - (double)domain) / participants * bytes / outBytesPerSecond;
        return Math.Max(inside, across) + ((domain - 1) * upLatencySeconds) + ((domains - 1) * outLatencySeconds);
    }
}
