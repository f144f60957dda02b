using ClusterSim.Core.Catalog;

namespace ClusterSim.Core.Performance;

/// <summary>
/// What an SGLang server runs with when its launch leaves the limits unset, as its server arguments derive them from the
/// GPU's memory (sgl-project/sglang, python/sglang/srt/server_args.py, the GPU-memory settings) and as its scheduler caps
/// the running requests (the smaller of half the KV pool's tokens and the request pool). Older releases used other
/// tables (three memory tiers, fixed memory fractions by TP size); these are the 2026 ones.
/// </summary>
public static class SglangServerDefaults
{
    private const double MiB = 1048576.0;

    /// <summary>
    /// <c>max_prefill_tokens</c>: the prompt tokens one prefill batch takes when prompts are not chunked (the first prompt
    /// in line joins whatever its length); server_args.py's default.
    /// </summary>
    public const int MaxPrefillTokens = 16_384;

    /// <summary>
    /// <c>chunked_prefill_size</c>: 2,048 tokens under 35 GiB of memory (A10, L4, 24 GB cards), 4,096 under 60 GiB (A100
    /// 40GB, L40S), 8,192 under 160 GiB (H100, A100 80GB, H20, H200), 16,384 above (B200, MI300X).
    /// </summary>
    public static int ChunkedPrefillTokens(AcceleratorSpec chip)
    {
        double gib = chip.MemoryBytes / (1024 * MiB);
        return gib < 35 ? 2048 : gib < 60 ? 4096 : gib < 160 ? 8192 : 16384;
    }

    /// <summary><c>cuda_graph_max_bs</c> by the same memory tiers and the tensor-parallel size (it enters the memory reserve).</summary>
    public static int CudaGraphMaxBatch(AcceleratorSpec chip, int tensorParallel)
    {
        double gib = chip.MemoryBytes / (1024 * MiB);
        return gib < 35 ? (tensorParallel < 4 ? 24 : 80)
            : gib < 60 ? (tensorParallel < 4 ? 32 : 160)
            : gib < 160 ? (tensorParallel < 4 ? 256 : 512)
            : 512;
    }

    /// <summary>
    /// <c>mem_fraction_static</c>, the share of memory for weights and the KV pool: the memory less a reserve for
    /// activations and CUDA graphs of 512 MiB + 1.5 MiB a token of max(chunk, 2,048) + 2 MiB a graph batch size + 1 GiB per
    /// eight accelerators of TP × PP, at least 10 GiB on cards of more than 60 GiB; rounded to three decimals.
    /// </summary>
    public static double MemoryFractionStatic(AcceleratorSpec chip, int tensorParallel, int pipelineParallel, int chunkedPrefillTokens)
    {
        double memory = chip.MemoryBytes / MiB;
        double reserved = 512 + (Math.Max(chunkedPrefillTokens, 2048) * 1.5) + (CudaGraphMaxBatch(chip, tensorParallel) * 2.0)
            + (tensorParallel * pipelineParallel / 8.0 * 1024);
        if (memory > 60 * 1024)
        {
            reserved = Math.Max(reserved, 10 * 1024);
        }

        return Math.Round((memory - reserved) / memory, 3, MidpointRounding.ToEven);
    }

    /// <summary>
    /// Running requests the scheduler admits: the request pool — <paramref name="kvTokens"/> / <paramref name="contextLength"/>
    /// × 512, between 2,048 and 4,096 — or half the KV pool's tokens, whichever is smaller.
    /// </summary>
    public static int MaxRunningRequests(long kvTokens, int contextLength)
    {
        long pool = Math.Clamp(kvTokens * 512 / Math.Max(1, contextLength), 2048, 4096);
        return (int)Math.Max(1, Math.Min(kvTokens / 2, pool));
    }

    /// <summary>The running-request cap of <paramref name="deployment"/>'s KV pool at a context of <paramref name="contextLength"/> tokens.</summary>
    public static int MaxRunningRequests(ServingDeployment deployment, int contextLength) =>
        MaxRunningRequests((long)deployment.KvBlocks * deployment.KvBlockTokens, contextLength);
}
