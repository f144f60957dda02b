namespace ClusterSim.Core.Training;

/// <summary>
/// How FP8 linear layers are scaled, which sets how fast their GEMMs run: a Hopper tensor core takes one scale a tensor
/// in its epilogue, while finer scales are applied a block at a time in the accumulation loop (DeepSeek-V3's recipe:
/// CUDA cores promote each 128-wide partial sum), which costs throughput. Ignored at other precisions.
/// </summary>
public enum Fp8Scaling
{
    /// <summary>One scale a tensor (Transformer Engine's delayed or current scaling; NeMo's FP8-CS): the default.</summary>
    Tensor,

    /// <summary>A scale per 1×128 activation tile and 128×128 weight block (DeepSeek-V3; Megatron's blockwise recipe).</summary>
    Block,
}
