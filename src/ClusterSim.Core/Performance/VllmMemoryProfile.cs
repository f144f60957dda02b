using ClusterSim.Core.Catalog;

namespace ClusterSim.Core.Performance;

/// <summary>
/// The memory vLLM sets aside on each accelerator before its KV cache, as its start-up profile measures it: the peak of
/// a dummy step at the batch limits (the forward pass over <c>max_num_batched_tokens</c> tokens, then the sampler over
/// <c>max_num_seqs</c> rows of logits, each freed before the next) and the memory outside PyTorch's allocator.
/// </summary>
/// <remarks>
/// The sampler's term dominates: its logits, probabilities, sorted values and indices for every row of the vocabulary.
/// vLLM's own start-up logs on an 80 GB H100 at its defaults there (1,024 sequences, 8,192 tokens), collected by the
/// llm-d capacity planner (<c>config_explorer/empirical-vllm-memory-results.md</c> in llm-d/llm-d-benchmark), give an
/// activation peak of 38.4–39.6 bytes per sequence and vocabulary entry across five models of 0.6–70 B parameters and
/// vocabularies of 128 k–201 k (Qwen3-0.6B 5.56 GiB, Qwen3-32B 5.64, Llama-3.1-8B 4.76, gpt-oss-20b 7.38,
/// Llama-3.3-70B FP8 at TP 2 4.84): the 0.6 B and 32 B models with one vocabulary differ by 0.08 GiB, so the forward pass
/// is not what sets the peak at these limits. The median, 38.9 bytes, is used. Memory outside the allocator was
/// 0.13–0.14 GiB at TP 1 and 0.55 GiB at TP 2 (communication buffers) in the same logs.
/// </remarks>
public static class VllmMemoryProfile
{
    /// <summary>Sampler peak per sequence and vocabulary entry, bytes (the median of the five logs above).</summary>
    public const double SamplerBytesPerLogit = 38.9;

    /// <summary>Memory outside PyTorch's allocator on one accelerator, bytes: 0.13 GiB at TP 1.</summary>
    public const double NonTorchBytes = 0.13 * Gib;

    /// <summary>What tensor parallelism adds outside the allocator (all-reduce buffers), bytes: 0.55 − 0.13 GiB.</summary>
    public const double TensorParallelBuffersBytes = 0.42 * Gib;

    private const double Gib = 1073741824.0;

    /// <summary>
    /// vLLM's batch limits for its OpenAI server when none are given (engine/arg_utils.py): 1,024 sequences and 8,192
    /// tokens on accelerators of at least 70 GiB other than the A100, else 256 and 2,048.
    /// </summary>
    public static (int MaxSequences, int MaxBatchedTokens) ServerDefaults(AcceleratorSpec accelerator) =>
        accelerator.MemoryGiB >= 70 && !accelerator.Id.StartsWith("A100", StringComparison.OrdinalIgnoreCase) ? (1024, 8192) : (256, 2048);

    /// <summary>
    /// Bytes per accelerator vLLM takes from its memory share before the KV cache, for <paramref name="model"/> split over
    /// <paramref name="tensorParallel"/> accelerators with the batch limits <paramref name="maxSequences"/> and
    /// <paramref name="maxBatchedTokens"/>.
    /// </summary>
    public static double RuntimeBytes(ModelSpec model, int tensorParallel, int maxSequences, int maxBatchedTokens)
    {
        double sampler = SamplerBytesPerLogit * maxSequences * model.Vocab;
        double forward = ForwardPeakBytes(model, tensorParallel, maxBatchedTokens);
        double outside = NonTorchBytes + (tensorParallel > 1 ? TensorParallelBuffersBytes : 0);
        return Math.Max(sampler, forward) + outside;
    }

    /// <summary>
    /// The forward pass's largest live set, bytes: the MLP's gate-and-up output and its activation (three intermediate
    /// widths a token, this accelerator's share) beside the residual stream and the layer's input (two hidden widths),
    /// in 16-bit activations.
    /// </summary>
    public static double ForwardPeakBytes(ModelSpec model, int tensorParallel, int maxBatchedTokens)
    {
        double intermediate = model.IsMoE ? (double)model.ExpertFfn * (model.TopK + model.SharedExperts) : model.Ffn;
        double perToken = ((3 * intermediate / tensorParallel) + (2.0 * model.Hidden)) * 2;
        return perToken * maxBatchedTokens;
    }
}
