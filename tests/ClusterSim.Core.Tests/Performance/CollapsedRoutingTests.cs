using ClusterSim.Core.Catalog;
using ClusterSim.Core.Moe;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Performance;

/// <summary>
/// A router that sends every token to the same experts (a benchmark engine built with dummy weights): a step touches
/// top-k experts however many tokens it holds, and its tokens still pay their expert compute.
/// </summary>
public class CollapsedRoutingTests
{
    private static ServingDeployment Mixtral(bool collapsed, MoeRoutingOptions? routing = null) => new()
    {
        Model = SimCatalog.Default.Models.Get("mixtral-8x7b"),
        Accelerator = SimCatalog.Default.Hardware.Get("H100-SXM"),
        TensorParallel = 2,
        Efficiency = new EfficiencyFactors { Compute = 0.7, Memory = 0.8, Attention = 0.5, KvRead = 0.6, Link = 0.5 },
        CollapsedRouting = collapsed,
        MoeRouting = routing,
    };

    [Fact]
    public void A_decode_step_of_any_batch_reads_the_experts_of_one_token()
    {
        var collapsed = new StepTimeModel(Mixtral(true));
        var spread = new StepTimeModel(Mixtral(false));

        // One token touches top-2 experts either way.
        Assert.Equal(spread.Terms(BatchShape.Decode(1, 512)).ExpertGemm, collapsed.Terms(BatchShape.Decode(1, 512)).ExpertGemm, 15);

        // Sixteen independent tokens touch nearly all eight experts and read their weights; collapsed, still two.
        double spread16 = spread.Terms(BatchShape.Decode(16, 16 * 512)).ExpertGemm;
        double collapsed16 = collapsed.Terms(BatchShape.Decode(16, 16 * 512)).ExpertGemm;
        Assert.True(collapsed16 < 0.5 * spread16, $"collapsed {collapsed16 * 1e3:F3} ms against {spread16 * 1e3:F3} ms");
        Assert.True(collapsed16 >= collapsed.Terms(BatchShape.Decode(1, 512)).ExpertGemm);
    }

    [Fact]
    public void A_dense_model_does_not_notice()
    {
        ServingDeployment dense = Mixtral(true) with { Model = SimCatalog.Default.Models.Get("llama-3.1-8b"), TensorParallel = 1 };
        var shape = BatchShape.Decode(32, 32 * 1024);
        Assert.Equal(new StepTimeModel(dense with { CollapsedRouting = false }).Iteration(shape), new StepTimeModel(dense).Iteration(shape));
    }

    [Fact]
    public void Sampled_routing_with_it_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => Mixtral(true, new MoeRoutingOptions { ExpertParallel = 2 }).Validated());
        Assert.Contains("collapsed routing", e.Message, StringComparison.Ordinal);
    }
}
