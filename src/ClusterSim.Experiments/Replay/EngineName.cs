using ClusterSim.Core.Performance;

namespace ClusterSim.Experiments.Replay;

/// <summary>
/// The serving engine a measured run names, however its tool spells it: "vLLM 0.10.2", "vllm-rocm", "trtllm", "TRT-LLM",
/// "tensorrt_llm", "SGLang v0.5.9", or a stack built on one (Dynamo's, llm-d and Red Hat AI Inference Server run vLLM).
/// An engine the simulator has no model of is refused with what to do instead, never timed as another silently.
/// </summary>
public static class EngineName
{
    private static readonly string[] VllmStacks = ["rhaiis", "llm-d", "aibrix", "production-stack"];

    /// <summary>The engine <paramref name="text"/> names; empty text is vLLM. Throws <see cref="ArgumentException"/> for an engine not modelled.</summary>
    public static ServingEngine Parse(string text)
    {
        string name = text.Trim().ToLowerInvariant().Replace('_', '-');
        if (name.StartsWith("dynamo", StringComparison.Ordinal))
        {
            // NVIDIA Dynamo serves through one of the three engines; the run says which after the dash.
            name = name.Length > "dynamo-".Length ? name["dynamo-".Length..] : name;
        }

        if (name.Length == 0 || name.StartsWith("vllm", StringComparison.Ordinal) || VllmStacks.Any(s => name.StartsWith(s, StringComparison.Ordinal)))
        {
            return ServingEngine.Vllm;
        }

        if (name.StartsWith("sglang", StringComparison.Ordinal))
        {
            return ServingEngine.Sglang;
        }

        if (name.StartsWith("tensorrt", StringComparison.Ordinal) || name.StartsWith("trt", StringComparison.Ordinal))
        {
            return ServingEngine.TensorRtLlm;
        }

        throw new ArgumentException($"engine '{text.Trim()}' is not one of vllm, tensorrt-llm, sglang (or a stack that runs one); to time it anyway with the kernels and overheads of one of them, name that engine in the run and read the result as that engine's");
    }
}
