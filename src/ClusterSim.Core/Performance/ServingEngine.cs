namespace ClusterSim.Core.Performance;

/// <summary>
/// The serving engine a deployment runs: it picks the calibration family (an accelerator's calibration names its vLLM
/// row; its TensorRT-LLM row is the same family with a <c>-trtllm</c> suffix). Experiment files also take the engine's
/// KV admission policy as the scheduler's default (<see cref="Inference.KvAdmissionPolicy"/>).
/// </summary>
public enum ServingEngine
{
    /// <summary>vLLM: the accelerator's own calibration; its KV admission grows with preemption.</summary>
    Vllm,

    /// <summary>TensorRT-LLM: the family's <c>-trtllm</c> calibration (less engine overhead, no HTTP front end in offline use); its KV admission reserves whole sequences.</summary>
    TensorRtLlm,
}
