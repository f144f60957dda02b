namespace ClusterSim.Core.Performance;

/// <summary>How an all-reduce is laid out over its participants.</summary>
public enum CollectiveAlgorithm
{
    /// <summary>Bandwidth-optimal ring: 2(n−1)/n of the data crosses each link, 2(n−1) latency steps.</summary>
    Ring,

    /// <summary>Pipelined binary tree (NCCL's double tree): about twice the data per link, 2·log₂n latency steps.</summary>
    Tree,

    /// <summary>
    /// Every rank reads every peer's whole buffer over the scale-up fabric and reduces it itself: one synchronisation,
    /// but (n−1) times the data into each rank — the lowest latency, for small messages.
    /// </summary>
    OneShot,
}
