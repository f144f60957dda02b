namespace ClusterSim.Core.Performance;

/// <summary>
/// How the engine filters by top-p or top-k, which sets what <see cref="SamplingMode.Filtered"/> costs a step. vLLM's
/// default path ranks every logit of every sequence (a PyTorch sort, a Triton kernel from late 2025); FlashInfer's kernel
/// samples by rejection without sorting. The calibrated <see cref="EfficiencyFactors.SamplerCyclesPerEntry"/> is the
/// ranking path's; the sort-free kernel costs <see cref="SamplerKernels.SortFreeShare"/> of it.
/// </summary>
public enum SamplerKernel
{
    /// <summary>The whole vocabulary ranked per sequence: vLLM's default from 0.11.1 (vllm-project/vllm#26859) to 0.21.</summary>
    Ranking,

    /// <summary>FlashInfer's sort-free top-p/top-k sampling: SGLang's, and vLLM's default again from 0.22 (vllm-project/vllm#40376).</summary>
    SortFree,
}
