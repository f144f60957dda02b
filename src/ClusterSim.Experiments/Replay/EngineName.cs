using ClusterSim.Core.Performance;

namespace ClusterSim.Experiments.Replay;

/// <summary>
/// The serving engine a measured run names, however its tool spells it: "vLLM 0.10.2", "vllm-rocm", "trtllm", "TRT-LLM",
/// "tensorrt_llm", "SGLang v0.5.9", or a stack built on one (Dynamo's, llm-d and Red Hat AI Inference Server run vLLM).
/// An engine the simulator has no model of is refused with what to do instead, never timed as another silently; a measured
/// run of an engine built the way vLLM is (<see cref="ParseMeasured"/>) is timed as vLLM with that said in its note.
/// </summary>
public static class EngineName
{
    private static readonly string[] VllmStacks = ["rhaiis", "llm-d", "aibrix", "production-stack"];

    private const string Tgi = "its router batches continuously over paged KV blocks with vLLM's paged-attention (later FlashInfer) kernels, and chunks prompts from v3";
    private const string FastGen = "it batches continuously over a blocked KV cache and splits prompts into the running batch (Dynamic SplitFuse, vLLM's chunked prefill)";

    /// <summary>
    /// Engines with no calibration of their own that schedule as vLLM does — continuous batching of sequences whose KV cache
    /// lives in fixed-size blocks, prompts chunked into the running batch — by the prefix a run's name starts with, and why.
    /// </summary>
    private static readonly (string Prefix, string Name, string Why)[] VllmLike =
    [
        ("text-generation-inference", "TGI", Tgi),
        ("tgi", "TGI", Tgi),
        ("hf-tgi", "TGI", Tgi),
        ("lmdeploy", "LMDeploy", "its TurboMind engine batches continuously (its persistent batch) over a blocked KV cache with kernels of its own"),
        ("deepspeed", "DeepSpeed-FastGen", FastGen),
        ("mii", "DeepSpeed-FastGen", FastGen),
        ("fastgen", "DeepSpeed-FastGen", FastGen),
    ];

    /// <summary>
    /// The engine a measured run names, as <see cref="Parse"/>; an engine built as vLLM is (TGI, LMDeploy, DeepSpeed-FastGen)
    /// is vLLM with <paramref name="proxyNote"/> saying so, its errors then the distance between that engine and vLLM's
    /// calibration. Any other engine is refused as <see cref="Parse"/> refuses it.
    /// </summary>
    public static ServingEngine ParseMeasured(string text, out string? proxyNote)
    {
        string name = text.Trim().ToLowerInvariant().Replace('_', '-').Replace(' ', '-');
        foreach (var (prefix, engine, why) in VllmLike)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                proxyNote = $"{engine} timed as vLLM, its kernels, scheduler and overheads ({engine} has no calibration of its own; {why})";
                return ServingEngine.Vllm;
            }
        }

        proxyNote = null;
        return Parse(text);
    }

    /// <summary>
    /// Whether a measured run's <paramref name="text"/> names <paramref name="engine"/>, spelt as <see cref="ParseMeasured"/>
    /// reads it; false for an engine not modelled (refused with its reason where the run is built).
    /// </summary>
    public static bool Names(string text, ServingEngine engine)
    {
        try
        {
            return ParseMeasured(text, out _) == engine;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

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
