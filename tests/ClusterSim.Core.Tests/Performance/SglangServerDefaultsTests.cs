using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Performance;

/// <summary>
/// SGLang's defaults as its server arguments derive them from the GPU's memory (chunked prefill size, CUDA-graph batch
/// sizes, the static memory fraction) and as its scheduler caps the running requests; figures worked by hand from the
/// formulas in sgl-project/sglang's server_args.py and scheduler.
/// </summary>
public class SglangServerDefaultsTests
{
    private static AcceleratorSpec Chip(string id) => SimCatalog.Default.Hardware.Get(id);

    [Theory]
    [InlineData("L4", 2048)]
    [InlineData("A10", 2048)]
    [InlineData("A100-40GB", 4096)]
    [InlineData("L40S", 4096)]
    [InlineData("H100-SXM", 8192)]
    [InlineData("A100-80GB", 8192)]
    [InlineData("H200", 8192)]
    [InlineData("B200", 16384)]
    [InlineData("MI300X", 16384)]
    public void The_chunked_prefill_size_follows_the_memory_tier(string chip, int tokens) =>
        Assert.Equal(tokens, SglangServerDefaults.ChunkedPrefillTokens(Chip(chip)));

    [Fact]
    public void The_static_memory_fraction_keeps_back_activations_and_graphs()
    {
        // H100, TP 1: 512 + 8,192 x 1.5 + 256 x 2 + 1/8 x 1,024 = 13,440 MiB of 81,559: 0.835.
        Assert.Equal(0.835, SglangServerDefaults.MemoryFractionStatic(Chip("H100-SXM"), 1, 1, 8192));
        // TP 8: 512 + 12,288 + 512 x 2 + 1,024 = 14,848 MiB: 0.818.
        Assert.Equal(0.818, SglangServerDefaults.MemoryFractionStatic(Chip("H100-SXM"), 8, 1, 8192));
        // L4 (23,030 MiB), TP 1: 512 + 3,072 + 24 x 2 + 128 = 3,760 MiB, under the 10 GiB floor of larger cards: 0.837.
        Assert.Equal(0.837, SglangServerDefaults.MemoryFractionStatic(Chip("L4"), 1, 1, 2048));
        // A small chunk on a large card: the 10 GiB floor decides (H100, 2,048 tokens: 4,224 MiB reserved by the sum).
        Assert.Equal(Math.Round((81561.6 - 10240) / 81561.6, 3), SglangServerDefaults.MemoryFractionStatic(Chip("H100-SXM"), 1, 1, 2048), 3);
    }

    [Theory]
    [InlineData(400_000, 131_072, 2048)]   // a long context: the request pool's floor
    [InlineData(400_000, 4_096, 4096)]     // a short one: the pool's ceiling
    [InlineData(2_000, 4_096, 1000)]       // a tiny KV pool: half its tokens
    public void Running_requests_are_capped_by_the_request_pool_and_half_the_KV_tokens(long kvTokens, int context, int expected) =>
        Assert.Equal(expected, SglangServerDefaults.MaxRunningRequests(kvTokens, context));
}
