namespace ClusterSim.Core.Performance;

/// <summary>Which <see cref="SamplerKernel"/> an engine release runs by default, and what the sort-free one costs.</summary>
public static class SamplerKernels
{
    /// <summary>
    /// The sort-free kernel's time as a share of the ranking path's: 0.528 against 2.318 ms for top-p over 128 rows of
    /// 131,072 logits on a B200, the table of vllm-project/vllm#40376 (FlashInfer against vLLM's Triton path; top-k with
    /// top-p 0.359 against 2.399, top-k alone 0.302 against 2.061). Top-p is what Llama 3.x Instruct's generation config
    /// asks, so its ratio is taken; with top-k the kernel is cheaper still (0.15).
    /// </summary>
    public const double SortFreeShare = 0.228;

    /// <summary>
    /// SMs × boost clock of the H100 SXM (132 × 1.98 GHz), where the sampler's cycles an entry were fitted; an accelerator
    /// whose catalog row gives no SM figure (AMD, TPU and other non-NVIDIA parts) is taken to sample as fast, and
    /// experiment files and replays that filter on one say so.
    /// </summary>
    public const double ReferenceSmGhz = 132 * 1.98;

    /// <summary>The SMs × clock the sampler runs on: the accelerator's own, else the reference H100's.</summary>
    public static double SmGhzOf(Catalog.AcceleratorSpec chip) => chip.SustainedSmGhz ?? ReferenceSmGhz;

    /// <summary>The first vLLM release known to sample with FlashInfer by default again.</summary>
    public static readonly EngineRelease FirstSortFreeVllm = new(0, 22);

    /// <summary>
    /// The kernel <paramref name="engine"/> at <paramref name="version"/> runs when nothing says otherwise, and whether that
    /// was a guess (vLLM with no release given: taken as a release that ranks, the path every fitted run used).
    /// </summary>
    /// <remarks>
    /// vLLM: FlashInfer's kernel was turned off by default in 0.11.1 (#26859) and on again by #40376 (merged April 2026);
    /// the 0.22.1 sampler no longer asks users to opt in and checks the GPU's compute capability instead
    /// (docs.vllm.ai/en/v0.22.1, vllm/v1/sample/ops/topk_topp_sampler), so 0.22 on is sort-free. 0.20 and 0.21 were not
    /// checked and are taken as ranking, like the releases before them (earlier ones ranked whenever FlashInfer was not
    /// installed, which it was not by default). SGLang samples with FlashInfer's kernels. TensorRT-LLM has its own
    /// sampler and no fitted sampler cost, so the kernel does not matter there.
    /// </remarks>
    public static SamplerKernel DefaultFor(ServingEngine engine, string version, out bool guessed)
    {
        guessed = false;
        if (engine == ServingEngine.Sglang)
        {
            return SamplerKernel.SortFree;
        }

        if (engine != ServingEngine.Vllm)
        {
            return SamplerKernel.Ranking;
        }

        if (!EngineRelease.TryParse(version, out EngineRelease release))
        {
            guessed = true;
            return SamplerKernel.Ranking;
        }

        return release.AtLeast(FirstSortFreeVllm) ? SamplerKernel.SortFree : SamplerKernel.Ranking;
    }

    /// <summary>The share of the ranking path's cost <paramref name="kernel"/> takes.</summary>
    public static double ShareOfRanking(SamplerKernel kernel) => kernel == SamplerKernel.SortFree ? SortFreeShare : 1;
}
