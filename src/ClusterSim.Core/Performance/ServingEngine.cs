namespace ClusterSim.Core.Performance;

/// <summary>
/// The serving engine a deployment runs: it picks the calibration family (an accelerator's calibration names its vLLM
/// row; its TensorRT-LLM and SGLang rows are the same family with a <c>-trtllm</c> or <c>-sglang</c> suffix). Experiment files also take the engine's
/// KV admission policy as the scheduler's default (<see cref="Inference.KvAdmissionPolicy"/>).
/// </summary>
public enum ServingEngine
{
    /// <summary>vLLM: the accelerator's own calibration; its KV admission grows with preemption.</summary>
    Vllm,

    /// <summary>TensorRT-LLM: the family's <c>-trtllm</c> calibration (less engine overhead, no HTTP front end in offline use); its KV admission reserves whole sequences.</summary>
    TensorRtLlm,

    /// <summary>
    /// SGLang: the family's <c>-sglang</c> calibration when one is fitted, otherwise the vLLM row with a warning (the two
    /// run the same kinds of kernels under CUDA graphs and grow paged KV with preemption; SGLang overlaps its scheduler's
    /// CPU work with the GPU's, so vLLM's per-step overhead is likely an overestimate for it). KV admission grows.
    /// </summary>
    Sglang,
}
