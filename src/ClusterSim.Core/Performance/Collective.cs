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
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
        };
    }

    /// <summary>Ring reduce-scatter or all-gather: half an all-reduce.</summary>
    public static double AllGather(double bytes, int participants, double bytesPerSecond, double latencySeconds) =>
        participants <= 1 ? 0 : ((participants - 1.0) / participants * bytes / bytesPerSecond) + ((participants - 1) * latencySeconds);

    /// <summary>All-to-all where each rank holds <paramref name="bytes"/> and keeps 1/n of it.</summary>
    public static double AllToAll(double bytes, int participants, double bytesPerSecond, double latencySeconds) =>
        participants <= 1 ? 0 : ((participants - 1.0) / participants * bytes / bytesPerSecond) + ((participants - 1) * latencySeconds);
}
