using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Performance;

/// <summary>
/// The batch limits trtllm-bench picks from the dataset's mean lengths when its command gives none; figures worked by hand
/// from the heuristic in NVIDIA/TensorRT-LLM's tensorrt_llm/bench/build/tuning.py.
/// </summary>
public class TrtllmBenchLimitsTests
{
    private static ServingDeployment Llama8bFp8OnH100() => new()
    {
        Model = SimCatalog.Default.Models.Get("llama-3.1-8b"),
        Accelerator = SimCatalog.Default.Hardware.Get("H100-SXM"),
        Weights = Precision.FP8,
        KvCache = Precision.FP8,
        Engine = ServingEngine.TensorRtLlm,
    };

    // Llama 3.1 8B in FP8 on one H100 (79.65 GiB): (85.52 − 8.03) GB × 0.95 = 73.6 GB for KV at 2 × 32 layers × 8 heads ×
    // 128 × 1 byte = 65,536 bytes a token.
    [Theory]
    [InlineData(128, 128, 4096, 8192)]      // 4,387 requests of 256 tokens, capped at 4,096; 8,192 tokens
    [InlineData(5000, 500, 224, 2304)]      // 204.3 requests of 5,500: 32 × 7 = 224; 204.3 × 11 = 2,247 → 256 × 9 = 2,304
    [InlineData(20000, 2000, 64, 2048)]     // 51.0 requests: at least 64; 51.0 × 11 = 562 tokens: at least 2,048
    [InlineData(1000, 1000, 640, 2048)]     // 561.5 requests: 128 × 5 = 640; 561.5 × 2 = 1,123 tokens: at least 2,048
    public void The_limits_follow_the_requests_the_memory_fits(int input, int output, int batch, int tokens)
    {
        (int maxBatch, int maxTokens) = TrtllmBenchLimits.For(Llama8bFp8OnH100(), input, output);
        Assert.Equal(batch, maxBatch);
        Assert.Equal(tokens, maxTokens);
    }

    [Fact]
    public void The_estimate_counts_the_weights_and_the_KV_bytes_a_token_takes()
    {
        ServingDeployment d = Llama8bFp8OnH100();
        double expected = ((79.65 * 1073741824.0) - d.Model.TotalParameters) * 0.95 / (65536.0 * 5500);
        Assert.Equal(expected, TrtllmBenchLimits.EstimatedRequests(d, 5000, 500), 9);
    }

    [Fact]
    public void Lengths_must_be_positive_and_one_request_must_fit()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TrtllmBenchLimits.For(Llama8bFp8OnH100(), 0, 128));
        ServingDeployment big = Llama8bFp8OnH100() with { Model = SimCatalog.Default.Models.Get("llama-3.1-405b") };
        Assert.Throws<ArgumentException>(() => TrtllmBenchLimits.For(big, 128, 128));
    }
}
