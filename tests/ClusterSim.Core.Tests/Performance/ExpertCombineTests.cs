using ClusterSim.Core.Catalog;
using ClusterSim.Core.Moe;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Performance;

/// <summary>
/// The combine of a mixture-of-experts layer: each token's k expert outputs written at the full hidden width in BF16 and
/// read back to be summed, at the weight-streaming fraction of HBM bandwidth. Experts sliced over tensor parallelism leave
/// every rank a partial output for every pair; whole experts on expert-parallel ranks divide the pairs.
/// </summary>
public class ExpertCombineTests
{
    // No expert half width: sliced and whole experts then run their GEMMs alike, and only the combine tells them apart.
    private static readonly EfficiencyFactors Factors = new() { Compute = 0.7, Memory = 0.8, Attention = 0.5, KvRead = 0.6, Link = 0.5 };

    private static readonly ModelSpec Qwen = SimCatalog.Default.Models.Get("qwen3-235b-a22b");
    private static readonly AcceleratorSpec Mi300X = SimCatalog.Default.Hardware.Get("MI300X");

    private static StepTimeModel Model(MoeRoutingOptions? routing) => new(new ServingDeployment
    {
        Model = Qwen,
        Accelerator = Mi300X,
        TensorParallel = 8,
        Weights = Precision.FP8,
        Efficiency = Factors,
        MoeRouting = routing,
    });

    [Theory]
    [InlineData(1)]
    [InlineData(256)]      // a decode step of 256 sequences
    [InlineData(8192)]     // a prompt chunk
    public void Sliced_experts_combine_every_pair_on_every_rank_and_whole_experts_an_eighth(int tokens)
    {
        var shape = new BatchShape(tokens, BatchShape.PrefillAttention(tokens, 0), 0, 1);
        double sliced = Model(null).Terms(shape).ExpertGemm;
        // Combined by the all-reduce (no all-to-all), so nothing else of the expert term moves with the layout.
        double whole = Model(new MoeRoutingOptions { ExpertParallel = 8, Dispatch = ExpertDispatch.AllReduce }).Terms(shape).ExpertGemm;

        // Per token: 94 layers × (written + read) × 8 outputs × 4,096 × 2 bytes over 5.3 TB/s × 0.8 — 2.9 µs.
        double perToken = Qwen.MoELayers * 2.0 * Qwen.TopK * Qwen.Hidden * 2 / (Mi300X.MemoryBytesPerSecond * Factors.Memory);
        Assert.InRange(perToken, 2.8e-6, 3.0e-6);
        Assert.Equal(perToken * tokens * (1 - (1.0 / 8)), sliced - whole, 9);
    }

    [Fact]
    public void A_dense_model_has_no_combine()
    {
        var dense = new StepTimeModel(new ServingDeployment
        {
            Model = SimCatalog.Default.Models.Get("llama-3.1-70b"),
            Accelerator = Mi300X,
            TensorParallel = 8,
            Weights = Precision.FP8,
            Efficiency = Factors,
        });

        Assert.Equal(0, dense.Terms(new BatchShape(8192, BatchShape.PrefillAttention(8192, 0), 0, 1)).ExpertGemm);
    }
}
