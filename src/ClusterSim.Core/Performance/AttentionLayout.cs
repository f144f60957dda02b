namespace ClusterSim.Core.Performance;

/// <summary>How a replica's tensor-parallel group shares attention (<see cref="ServingDeployment.Attention"/>).</summary>
public enum AttentionLayout
{
    /// <summary>Every accelerator holds a slice of each layer's heads and attends every sequence (the usual tensor parallelism).</summary>
    TensorParallel,

    /// <summary>
    /// Each accelerator attends its own sequences with every head (SGLang's <c>--enable-dp-attention</c>): a prompt's chunk
    /// is one rank's work, so a step whose largest chunk is more than its prompts' even share waits for that rank.
    /// </summary>
    DataParallel,

    /// <summary>
    /// Data-parallel attention whose engine aligns the ranks' prompts so that each step's chunks spread evenly over them
    /// (TensorRT-LLM's <c>attention_dp_config.enable_balance</c>, which holds a rank's context requests until the others have theirs).
    /// </summary>
    BalancedDataParallel,
}
