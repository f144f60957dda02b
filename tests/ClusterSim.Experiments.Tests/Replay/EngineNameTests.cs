using ClusterSim.Core.Performance;
using ClusterSim.Experiments.Replay;

namespace ClusterSim.Experiments.Tests.Replay;

public class EngineNameTests
{
    [Theory]
    [InlineData("", ServingEngine.Vllm)]
    [InlineData("vLLM 0.10.2 (rocm/vllm:rocm7.0.0_vllm_0.10.2_20251006)", ServingEngine.Vllm)]
    [InlineData("vllm-rocm", ServingEngine.Vllm)]
    [InlineData("llm-d", ServingEngine.Vllm)]
    [InlineData("RHAIIS", ServingEngine.Vllm)]
    [InlineData("dynamo-vllm", ServingEngine.Vllm)]
    [InlineData("Dynamo-SGLang", ServingEngine.Sglang)]
    [InlineData("SGLang v0.5.9", ServingEngine.Sglang)]
    [InlineData("trtllm", ServingEngine.TensorRtLlm)]
    [InlineData("TRT-LLM", ServingEngine.TensorRtLlm)]
    [InlineData("tensorrt_llm", ServingEngine.TensorRtLlm)]
    [InlineData("TensorRT-LLM", ServingEngine.TensorRtLlm)]
    [InlineData("dynamo-trtllm", ServingEngine.TensorRtLlm)]
    public void A_tools_spelling_of_an_engine_names_it(string text, ServingEngine engine) => Assert.Equal(engine, EngineName.Parse(text));

    [Theory]
    [InlineData("lmdeploy")]
    [InlineData("TGI")]
    [InlineData("llama.cpp")]
    [InlineData("dynamo")]
    public void An_engine_not_modelled_is_refused_with_what_to_do(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => EngineName.Parse(text));
        Assert.Contains($"engine '{text}' is not one of vllm, tensorrt-llm, sglang", e.Message, StringComparison.Ordinal);
        Assert.Contains("name that engine in the run", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("TGI", "TGI")]
    [InlineData("Text Generation Inference 2.4.1", "TGI")]
    [InlineData("text-generation-inference", "TGI")]
    [InlineData("LMDeploy 0.6 (TurboMind)", "LMDeploy")]
    [InlineData("DeepSpeed-MII", "DeepSpeed-FastGen")]
    public void A_measured_run_of_an_engine_built_as_vllm_is_timed_as_vllm_and_says_so(string text, string engine)
    {
        Assert.Equal(ServingEngine.Vllm, EngineName.ParseMeasured(text, out string? note));
        Assert.StartsWith($"{engine} timed as vLLM", note, StringComparison.Ordinal);
        Assert.Contains("no calibration of its own", note, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("vLLM 0.10.2", ServingEngine.Vllm)]
    [InlineData("SGLang v0.5.9", ServingEngine.Sglang)]
    [InlineData("trtllm", ServingEngine.TensorRtLlm)]
    public void A_modelled_engine_needs_no_proxy(string text, ServingEngine engine)
    {
        Assert.Equal(engine, EngineName.ParseMeasured(text, out string? note));
        Assert.Null(note);
    }

    [Theory]
    [InlineData("llama.cpp")]
    [InlineData("MLC-LLM")]
    [InlineData("ollama")]
    public void A_measured_run_of_an_engine_built_otherwise_is_still_refused(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => EngineName.ParseMeasured(text, out _));
        Assert.Contains($"engine '{text}' is not one of vllm, tensorrt-llm, sglang", e.Message, StringComparison.Ordinal);
    }
}
