namespace ClusterSim.Core.Performance;

/// <summary>
/// Decode attention walked one thread block per sequence and KV head. Without a split of the context across blocks
/// (flash-decoding: vLLM's and SGLang's kernels, TensorRT-LLM's multi-block mode), a decode step's attention runs as many
/// blocks as the batch has sequences times the KV heads each accelerator holds, each walking its whole context on one SM.
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
    /// True when <paramref name="deployment"/> walks one block a head (<see cref="OneBlockPerHead"/>) on a chip whose SM
    /// count and clock the catalog does not give, so the walk cannot be timed and decode attention keeps its roofline alone.
    /// </summary>
    public static bool Untimed(ServingDeployment deployment) =>
        OneBlockPerHead(deployment) && deployment.Accelerator.SustainedSmClockGhz is null;
}
