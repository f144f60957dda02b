namespace ClusterSim.Core.Training;

/// <summary>How attention scores are computed, which decides the memory traffic of the softmax.</summary>
public enum AttentionKernel
{
    /// <summary>A fused kernel (FlashAttention, xFormers, cuDNN): the s × s score matrix never reaches memory.</summary>
    Fused,

    /// <summary>Scores, softmax and dropout materialised in memory (Megatron-LM 2021, GPT-3-era stacks): 5·a·s bytes per token and layer.</summary>
    Materialized,
}
