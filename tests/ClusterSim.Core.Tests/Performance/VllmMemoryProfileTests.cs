using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Performance;

/// <summary>
/// vLLM's start-up memory profile against its own logs on an 80 GB H100 at its defaults there (1,024 sequences, 8,192
/// tokens), as the llm-d capacity planner collected them (llm-d/llm-d-benchmark,
/// config_explorer/empirical-vllm-memory-results.md): activation peak plus memory outside PyTorch's allocator, GiB.
/// </summary>
public class VllmMemoryProfileTests
{
    private const double Gib = 1073741824.0;

    [Theory]
    [InlineData("qwen3-0.6b", 1, 5.56 + 0.13)]
    [InlineData("qwen3-32b", 1, 5.64 + 0.14)]
    [InlineData("llama-3.1-8b", 1, 4.76 + 0.13)]
    [InlineData("gpt-oss-20b", 1, 7.38 + 0.13)]
    [InlineData("llama-3.3-70b", 2, 4.84 + 0.55)]
    public void Reproduces_vLLMs_logged_profile_within_3_percent(string model, int tensorParallel, double loggedGib)
    {
        double gib = VllmMemoryProfile.RuntimeBytes(SimCatalog.Default.Models.Get(model), tensorParallel, 1024, 8192) / Gib;

        Assert.InRange(gib / loggedGib, 0.97, 1.03);
    }

    [Theory]
    [InlineData("qwen3-0.6b")]
    [InlineData("qwen3-32b")]
    [InlineData("llama-3.1-70b")]
    public void At_vLLMs_H100_limits_the_sampler_not_the_forward_pass_sets_the_peak(string model)
    {
        ModelSpec spec = SimCatalog.Default.Models.Get(model);
        double forward = VllmMemoryProfile.ForwardPeakBytes(spec, 1, 8192);

        Assert.True(forward < VllmMemoryProfile.SamplerBytesPerLogit * 1024 * spec.Vocab, $"{model}: forward {forward / Gib:F2} GiB");
    }

    [Fact]
    public void A_long_budget_makes_the_forward_pass_the_peak()
    {
        ModelSpec spec = SimCatalog.Default.Models.Get("llama-3.1-8b");
        double bytes = VllmMemoryProfile.RuntimeBytes(spec, 1, 8, 65536);

        Assert.Equal(VllmMemoryProfile.ForwardPeakBytes(spec, 1, 65536) + VllmMemoryProfile.NonTorchBytes, bytes, 1e-6);
    }

    /// <summary>
    /// At the A100's defaults (256 sequences, 2,048 tokens) Qwen3-32B's KV cache holds more than 32,768 tokens and fewer
    /// than its 40,960-token context, which is why GPUStack's A100 runs of it pass --max-model-len 32768 (vLLM refuses to
    /// start when the cache cannot hold one sequence of max_model_len tokens).
    /// </summary>
    [Fact]
    public void Qwen3_32B_on_one_A100_holds_32k_tokens_but_not_its_context()
    {
        ModelSpec model = SimCatalog.Default.Models.Get("qwen3-32b");
        var deployment = new ServingDeployment
        {
            Model = model,
            Accelerator = SimCatalog.Default.Hardware.Get("A100-80GB"),
            RuntimeBytesPerAccelerator = VllmMemoryProfile.RuntimeBytes(model, 1, 256, 2048),
        };
        long tokens = (long)deployment.KvBlocks * deployment.KvBlockTokens;

        Assert.InRange(tokens, 32768 + 1, 40960 - 1);
    }
}
