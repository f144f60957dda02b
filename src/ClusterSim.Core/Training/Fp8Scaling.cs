namespace ClusterSim.Core.Training;

/// <summary>
/// How FP8 linear layers are scaled, which sets how fast their GEMMs run: a tensor core applies one scale a tensor in the
/// GEMM's epilogue, while finer scales are applied a block at a time along the reduction — on Hopper by CUDA cores
/// promoting each 128-wide partial sum (DeepSeek-V3's recipe), which costs throughput; Blackwell's tensor cores take
/// MXFP8's 32-element block scales natively, at a few per cent. Ignored at other precisions.
/// </summary>
public enum Fp8Scaling
{
    /// <summary>One scale a tensor (Transformer Engine's delayed or current scaling; NeMo's FP8-CS): the default.</summary>
    Tensor,

    /// <summary>A scale a block: 1×128 activation tiles and 128×128 weight blocks on Hopper (DeepSeek-V3; Megatron's blockwise recipe), MXFP8's 32-element blocks on Blackwell.</summary>
    Block,
}
