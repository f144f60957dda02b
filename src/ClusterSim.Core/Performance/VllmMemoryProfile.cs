using ClusterSim.Core.Catalog;

namespace ClusterSim.Core.Performance;

/// <summary>
/// The memory vLLM sets aside on each accelerator before its KV cache, as its start-up profile measures it: the peak of
/// a dummy step at the batch limits (the forward pass over <c>max_num_batched_tokens</c> tokens, then the sampler over
/// <c>max_num_seqs</c> rows of logits, each freed before the next) and the memory outside PyTorch's allocator. The
/// sampler's term, logits and their sorted copies over the whole vocabulary for every row, has changed between releases,
/// so each measured generation is kept (<see cref="ForVersion"/>).
/// </summary>
public static class VllmMemoryProfile
{
    private const double Gib = 1073741824.0;

    /// <summary>
    /// vLLM as the <c>vllm/vllm-openai:latest</c> image of January 2026 (about 0.13–0.14), the nearest measured
    /// generation for releases before 0.15. The llm-d capacity planner's start-up logs on an 80 GB H100 at 1,024 sequences
    /// and 8,192 tokens (<c>config_explorer/empirical-vllm-memory-results.md</c> in llm-d/llm-d-benchmark, commit 0282dcf6,
    /// 27 January 2026) give an activation peak of 38.4–39.6 bytes per sequence and vocabulary entry across five models of
    /// 0.6–70 B parameters (Qwen3-0.6B 5.56 GiB, Qwen3-32B 5.64, Llama-3.1-8B 4.76, gpt-oss-20b 7.38, Llama-3.3-70B FP8
    /// at TP 2 4.84): Qwen3-0.6B and Qwen3-32B, one vocabulary, differ by 0.08 GiB, so the forward pass does not set it.
    /// The median, 38.9 bytes, is used; outside the allocator 0.13–0.14 GiB at TP 1 and 0.55 GiB at TP 2.
    /// </summary>
    public static VllmMemoryGeneration January2026 { get; } = new(
        "vLLM of January 2026 (before 0.15)", 38.9, 0, 0.13 * Gib, 0.55 * Gib,
        "llm-d capacity planner's vLLM start-up logs, H100, January 2026 (llm-d/llm-d-benchmark config_explorer/empirical-vllm-memory-results.md)");

    /// <summary>
    /// vLLM 0.19, the nearest measured generation from 0.15 on. The llm-d planner's accuracy report for vLLM 0.19.0 on an
    /// 80 GB H100 (<c>accuracy/results/v0.19.0/accuracy_report.md</c> in llm-d-incubation/llm-d-planner) gives
    /// activation peaks of 0.75–3.99 GiB for ten dense models with vocabularies of 32 k–262 k at 1,024 sequences; a line
    /// through them is 0.17 GiB plus 14.53 bytes per sequence and vocabulary entry (each left out in turn: median error
    /// 3.4 %, largest 28 %, CodeLlama-7B's 32 k vocabulary). Outside the allocator 0.24–0.27 GiB at TP 1 and 2.07–2.17 GiB
    /// at TP 2 and 4 (NCCL's buffers).
    /// </summary>
    public static VllmMemoryGeneration V019 { get; } = new(
        "vLLM 0.19 (0.15 on)", 14.53, 0.17 * Gib, 0.26 * Gib, 2.1 * Gib,
        "llm-d planner's accuracy report for vLLM 0.19.0 on H100 (llm-d-incubation/llm-d-planner accuracy/results/v0.19.0/accuracy_report.md)");

    /// <summary>The generation assumed when no version is given: the newest measured.</summary>
    public static VllmMemoryGeneration Current => V019;

    /// <summary>
    /// The measured generation nearest <paramref name="version"/> ("0.11.0", "v0.19", "0.23.1rc1"): January 2026's before
    /// 0.15, 0.19's from it; <see cref="Current"/> when it is empty. Throws naming what was expected when it is not a
    /// version.
    /// </summary>
    public static VllmMemoryGeneration ForVersion(string? version)
    {
        if (string.IsNullOrWhiteSpace(version))
        {
            return Current;
        }

        if (!EngineRelease.TryParse(version, out EngineRelease release))
        {
            throw new ArgumentException($"engine version '{version}' is not a release number such as 0.11.0 or v0.19");
        }

        return release.AtLeast(0, 15) ? V019 : January2026;
    }

    /// <summary>
    /// Bytes per accelerator vLLM takes from its memory share before the KV cache, for <paramref name="model"/> split over
    /// <paramref name="tensorParallel"/> accelerators with the batch limits <paramref name="maxSequences"/> and
    /// <paramref name="maxBatchedTokens"/>, as <paramref name="generation"/> (<see cref="Current"/> when null) profiles it.
    /// </summary>
    public static double RuntimeBytes(ModelSpec model, int tensorParallel, int maxSequences, int maxBatchedTokens, VllmMemoryGeneration? generation = null)
    {
        VllmMemoryGeneration g = generation ?? Current;
        double sampler = g.BaseActivationBytes + (g.SamplerBytesPerLogit * maxSequences * model.Vocab);
        double forward = ForwardPeakBytes(model, tensorParallel, maxBatchedTokens);
        double outside = tensorParallel > 1 ? g.TensorParallelNonTorchBytes : g.NonTorchBytes;
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
