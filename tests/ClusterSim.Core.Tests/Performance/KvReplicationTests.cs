using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Performance;

/// <summary>
/// Copies of the KV cache under tensor parallelism: an accelerator holds at least one KV head, and multi-head latent
/// attention's latent is stored whole on every accelerator of the group.
/// </summary>
public class KvReplicationTests
{
    private static ServingDeployment On(string model, int tp) => new()
    {
        Model = SimCatalog.Default.Models.Get(model),
        Accelerator = SimCatalog.Default.Hardware.Get("H100-SXM"),
        TensorParallel = tp,
    };

    [Theory]
    [InlineData("llama-3.1-70b", 8, 1.0)]     // 8 KV heads over 8: one each
    [InlineData("llama-3.1-70b", 4, 1.0)]
    [InlineData("qwen3-235b-a22b", 4, 1.0)]   // 4 KV heads over 4
    [InlineData("qwen3-235b-a22b", 8, 2.0)]   // 4 KV heads over 8: each head on two accelerators
    [InlineData("deepseek-v3", 1, 1.0)]       // MLA on one accelerator: one latent
    [InlineData("deepseek-v3", 8, 8.0)]       // MLA over 8: the latent on each
    public void Copies_follow_heads_and_latents(string model, int tp, double copies)
    {
        ServingDeployment d = On(model, tp);

        Assert.Equal(copies, d.KvReplication);
        Assert.Equal(d.Model.KvBytesPerToken(Precision.BF16) * copies, d.KvBytesPerToken);
    }

    [Fact]
    public void Replicated_heads_halve_the_tokens_a_cache_holds()
    {
        ServingDeployment d = On("qwen3-235b-a22b", 8);
        double logicalBlock = d.Model.KvBytesPerToken(Precision.BF16) * d.KvBlockTokens;

        Assert.Equal(Math.Floor(d.KvCapacityBytes / (2 * logicalBlock)), d.KvBlocks);
    }

    [Fact]
    public void Decode_reads_every_copy_an_accelerator_holds()
    {
        // Same bytes per accelerator, so the same KV-read time: 1 head x 2 over 8 accelerators against 4 heads over 4.
        var f = new EfficiencyFactors { Compute = 0.7, Memory = 0.8, Attention = 0.5, KvRead = 0.6, Link = 0.5 };
        AcceleratorSpec mi300x = SimCatalog.Default.Hardware.Get("MI300X");   // 192 GB: the weights fit on four
        ServingDeployment eight = On("qwen3-235b-a22b", 8) with { Efficiency = f, Accelerator = mi300x };
        ServingDeployment four = On("qwen3-235b-a22b", 4) with { Efficiency = f, Accelerator = mi300x };
        var shape = BatchShape.Decode(64, 64 * 8000);

        Assert.Equal(new StepTimeModel(four).Terms(shape).Attention, new StepTimeModel(eight).Terms(shape).Attention, 9);
    }
}
