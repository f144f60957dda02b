namespace ClusterSim.Core.Performance;

/// <summary>
/// The serving engine a deployment runs: it picks the calibration family (an accelerator's calibration names its vLLM
/// row; its TensorRT-LLM row is the same family with a <c>-trtllm</c> suffix) and the default KV admission policy.
/// </summary>
public enum ServingEngine
{
    /// <summary>vLLM: the accelerator's own calibration, growing KV admission with preemption.</summary>
    Vllm,

    /// <summary>TensorRT-LLM: the family's <c>-trtllm</c> calibration (less engine overhead, no HTTP front end in offline use), KV reserved per whole sequence.</summary>
    TensorRtLlm,
}
