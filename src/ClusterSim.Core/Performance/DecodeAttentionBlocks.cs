namespace ClusterSim.Core.Performance;

/// <summary>
/// Decode attention walked one thread block per sequence and head. Without a split of the context across blocks
/// (flash-decoding: vLLM's and SGLang's kernels, TensorRT-LLM's multi-block mode), a decode step's attention runs as many
/// blocks as the batch has sequences times the heads each accelerator walks (its KV heads under XQA, else its query
/// heads: <see cref="BlocksPerSequence"/>), each walking its whole context on one SM.
/// A small batch then leaves most SMs idle, and a long context takes as long as one SM needs to walk it, however fast the
/// memory: TensorRT-LLM 0.9.0's batches of one grow by 0.7–2.2 ms a token from 128- to 2,048-token contexts on
/// Llama 2 70B, Mistral 7B and Llama 2 7B/13B, where reading the KV cache at the memory's rate grows by 0.1–0.5 ms.
/// </summary>
public static class DecodeAttentionBlocks
{
    /// <summary>
    /// SM clock cycles one block spends on a context token in one layer (its query heads' dot products with the key,
    /// the softmax's running update and the value's accumulation). Fitted on the ITL-against-context slopes of TensorRT-LLM
    /// 0.9.0's Llama 2 70B batches of one (16 configurations: A100, H100, H100 NVL, H200, L40, L40S at TP 1–8; median 13.45)
    /// and held out on its other models', which imply 10.6–21.4 (docs/calibration.md, "Decode attention one block a head"):
    /// one figure on Ampere, Ada and Hopper within the scatter, as one block's walk is bound by its own instruction latency
    /// rather than by the chip's memory.
    /// </summary>
    public const double CyclesPerToken = 13.5;

    /// <summary>
    /// The first TensorRT-LLM release whose runtime splits a long context across blocks by default: 0.12 moved
    /// <c>multi_block_mode</c> from a build flag (off unless `trtllm-build --multi_block_mode enable`) to the executor's
    /// <c>ExtendedRuntimePerfKnobConfig</c>, whose default is on.
    /// </summary>
    public static readonly EngineRelease FirstTensorRtLlmSplit = new(0, 12);

    /// <summary>
    /// True when <paramref name="deployment"/>'s engine walks each sequence's context in one block per KV head: a
    /// TensorRT-LLM release before <see cref="FirstTensorRtLlmSplit"/>, attention split by tensor parallelism over
    /// ordinary KV heads (not MLA's latent, not data-parallel attention). A deployment that names no release takes the newest.
    /// </summary>
    public static bool OneBlockPerHead(ServingDeployment deployment) =>
        deployment.Engine == ServingEngine.TensorRtLlm && EngineRelease.Before(deployment.EngineVersion, FirstTensorRtLlmSplit)
        && !deployment.AttentionDataParallel && !deployment.Model.IsMla;

    /// <summary>
    /// The query heads a KV head serves for which TensorRT-LLM before 0.12 ships its XQA decode kernels (one block a
    /// KV head, its group's query heads together): the precompiled cubins are built for groups of eight
    /// (<c>xqa_kernel_…_nqpkv_8_…</c>, head sizes 128 and 256), as Llama 2 70B's are. Any other grouping — Mistral 7B's
    /// and Mixtral's four, Llama 3 8B's four — runs the masked multi-head kernel, one block a query head, each reading its
    /// KV head again.
    /// </summary>
    public const int XqaQueryHeadsPerKvHead = 8;

    /// <summary>
    /// Blocks a sequence's decode attention runs on each of <paramref name="tensorParallel"/> ranks: one a KV head the rank
    /// holds under XQA (<see cref="XqaQueryHeadsPerKvHead"/>), else one a query head (the same for multi-head attention).
    /// </summary>
    public static int BlocksPerSequence(Catalog.ModelSpec model, int tensorParallel) =>
        Math.Max(1, (HasXqaKernel(model) ? model.KvHeads : model.Heads) / tensorParallel);

    /// <summary>True when a release before 0.12 has an XQA kernel for <paramref name="model"/>'s attention: groups of <see cref="XqaQueryHeadsPerKvHead"/>, heads of 128 or 256.</summary>
    public static bool HasXqaKernel(Catalog.ModelSpec model) =>
        model.KvHeads > 0 && model.Heads == XqaQueryHeadsPerKvHead * model.KvHeads && model.HeadDim is 128 or 256;

    /// <summary>
    /// What <paramref name="deployment"/>'s decode attention walks, for <c>clustersim step</c>; null when the engine splits
    /// contexts across blocks.
    /// </summary>
    public static string? Describe(ServingDeployment deployment)
    {
        if (!OneBlockPerHead(deployment))
        {
            return null;
        }

        Catalog.ModelSpec model = deployment.Model;
        int blocks = BlocksPerSequence(model, deployment.TensorParallel);
        string kernel = HasXqaKernel(model)
            ? "XQA, a block a KV head"
            : model.Heads == model.KvHeads
                ? "the masked multi-head kernel, a block a head"
                : $"the masked multi-head kernel, a block a query head: XQA is built for groups of {XqaQueryHeadsPerKvHead} query heads a KV head, and {model.Id} groups {model.Heads / Math.Max(1, model.KvHeads)}";
        string untimed = Untimed(deployment) ? $"; no SM count for {deployment.Accelerator.Id}, so timed at the memory's rate alone" : string.Empty;
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"decode attention: {blocks} thread blocks a sequence on each rank ({kernel}), each walking its whole context on one SM (TensorRT-LLM before {FirstTensorRtLlmSplit.Major}.{FirstTensorRtLlmSplit.Minor}){untimed}");
    }

    /// <summary>
    /// True when <paramref name="deployment"/> walks one block a head (<see cref="OneBlockPerHead"/>) on a chip whose SM
    /// count and clock the catalog does not give, so the walk cannot be timed and decode attention keeps its roofline alone.
    /// </summary>
    public static bool Untimed(ServingDeployment deployment) =>
        OneBlockPerHead(deployment) && deployment.Accelerator.SustainedSmClockGhz is null;
}
