namespace ClusterSim.Core.Performance;

/// <summary>
/// How a vLLM engine was started, which decides the batch limits it takes when none are given: vLLM sets its V1
/// defaults by usage context (<c>EngineArgs._set_default_args</c>), for its OpenAI server and for its offline
/// <c>LLM</c> class, and leaves an engine built from <c>EngineArgs</c> directly (<c>AsyncLLMEngine.from_engine_args</c>,
/// <c>LLMEngine.from_engine_args</c>) at <c>SchedulerConfig</c>'s own defaults.
/// </summary>
public enum VllmEntryPoint
{
    /// <summary><c>vllm serve</c>: the OpenAI-compatible server (and what every served benchmark measures).</summary>
    Server,

    /// <summary>The offline <c>LLM</c> class (vLLM's throughput and latency benchmarks, <c>LLM.generate</c>): a larger token budget.</summary>
    OfflineLlm,

    /// <summary>An engine built from <c>EngineArgs</c> in the caller's process: 128 sequences and 2,048 tokens a step.</summary>
    Engine,
}
