using ClusterSim.Core.Catalog;

namespace ClusterSim.Core.Performance;

/// <summary>
/// The batch limits <c>trtllm-bench throughput</c> picks when its command gives none (NVIDIA/TensorRT-LLM,
/// tensorrt_llm/bench/build/tuning.py, <c>calc_engine_setting</c> and <c>finetune_setting</c>): it estimates how many
/// requests of the dataset's mean prompt + output fit in a share of the memory the weights leave, caps that at 4,096,
/// rounds it up (to 32 under 256, 128 under 1,024, 256 above; at least 64) for the batch, and sizes the token budget as
/// that many requests' prompt-to-output ratio (1 + prompt / output), capped at 32,768 and rounded up (to 256 under 4,096,
/// at least 2,048; 512 under 8,192; 1,024 above). So a prefill-heavy dataset runs with a small token budget: 5,000/500
/// on one H100 with Llama 3.1 8B FP8 gets about 2,300 tokens a step, not the server's 8,192.
/// </summary>
public static class TrtllmBenchLimits
{
    /// <summary>The share of the memory left by the weights the estimate assumes for the KV cache (its default).</summary>
    public const double EstimateKvFraction = 0.95;

    /// <summary>
    /// Requests of <paramref name="inputTokens"/> + <paramref name="outputTokens"/> the estimate fits: (device memory in GiB ×
    /// accelerators − weights) × 0.95 over the KV bytes a token takes (2 × layers × max(TP, KV heads) × head size × KV bytes).
    /// </summary>
    public static double EstimatedRequests(ServingDeployment deployment, int inputTokens, int outputTokens)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ModelSpec model = deployment.Model;
        double bytesPerToken = 2.0 * model.Layers * Math.Max(deployment.TensorParallel, model.KvHeads) * model.HeadDim * deployment.KvCache.BytesPerElement();
        double available = (deployment.Accelerator.MemoryBytes * deployment.Accelerators) - (model.TotalParameters * deployment.Weights.BytesPerElement());
        return available * EstimateKvFraction / (bytesPerToken * (inputTokens + outputTokens));
    }

    /// <summary>The (max_batch_size, max_num_tokens) pair for a dataset of these mean lengths on this deployment.</summary>
    public static (int MaxBatchSize, int MaxNumTokens) For(ServingDeployment deployment, int inputTokens, int outputTokens)
    {
        if (inputTokens < 1 || outputTokens < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(inputTokens), $"prompt and output lengths must be positive, got {inputTokens} and {outputTokens}");
        }

        double requests = EstimatedRequests(deployment, inputTokens, outputTokens);
        if (requests < 1)
        {
            throw new ArgumentException($"{deployment.Model.Id} on {deployment.Accelerators} x {deployment.Accelerator.Id} leaves no room for one request of {inputTokens + outputTokens} tokens", nameof(deployment));
        }

        double rawBatch = Math.Min(requests, 4096) / deployment.PipelineParallel;
        double rawTokens = Math.Min(rawBatch * (1 + (inputTokens / (double)outputTokens)), 32768);
        int batch = rawBatch < 256 ? Math.Max(64, 32 * (int)Math.Ceiling(rawBatch / 32))
            : rawBatch < 1024 ? 128 * (int)Math.Ceiling(rawBatch / 128)
            : 256 * (int)Math.Ceiling(rawBatch / 256);
        int tokens = rawTokens < 4096 ? Math.Max(2048, 256 * (int)Math.Ceiling(rawTokens / 256))
            : rawTokens < 8192 ? 512 * (int)Math.Ceiling(rawTokens / 512)
            : 1024 * (int)Math.Ceiling(rawTokens / 1024);
        return (batch, tokens);
    }
}
