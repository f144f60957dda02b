namespace ClusterSim.Core.Training;

/// <summary>How an MoE layer's tokens reach the ranks of their experts across scale-up domains.</summary>
public enum DispatchGranularity
{
    /// <summary>Each of a token's top-k copies travels to its expert's rank on its own (an NCCL all-to-all).</summary>
    PerCopy,

    /// <summary>
    /// A token crosses the network once for each other domain that holds any of its experts and is forwarded to them over
    /// the scale-up link there (DeepEP's and Megatron's HybridEP's internode kernels).
    /// </summary>
    PerDomain,
}
