using ClusterSim.Core.Catalog;
using ClusterSim.Core.Moe;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Performance;

/// <summary>
/// The grouped expert GEMMs' efficiency by the width of each accelerator's slice of an expert: w / (w + half width) of
/// the GEMM efficiency, tested as an expert term equal to the one at that lower compute factor with no width term.
/// </summary>
public class ExpertWidthTests
{
    private static readonly EfficiencyFactors Base = new() { Compute = 0.7, Memory = 0.8, Attention = 0.5, KvRead = 0.6, Link = 0.5 };

    private static StepTimeModel Model(EfficiencyFactors f, int tp, MoeRoutingOptions? routing = null) => new(new ServingDeployment
    {
        Model = SimCatalog.Default.Models.Get("qwen3-235b-a22b"),
        Accelerator = SimCatalog.Default.Hardware.Get("MI300X"),   // 192 GB: the FP8 weights fit on two
        TensorParallel = tp,
        Weights = Precision.FP8,
        Efficiency = f,
        MoeRouting = routing,
    });

    [Theory]
    [InlineData(8, 0, 1536.0 / 8)]    // tensor parallelism slices each expert: 192 wide
    [InlineData(2, 0, 1536.0 / 2)]
    [InlineData(8, 8, 1536.0)]        // expert parallelism keeps experts whole
    public void Expert_GEMMs_reach_w_over_w_plus_the_half_width(int tp, int expertParallel, double width)
    {
        MoeRoutingOptions? routing = expertParallel > 0 ? new MoeRoutingOptions { ExpertParallel = expertParallel } : null;
        var shape = new BatchShape(8192, BatchShape.PrefillAttention(8192, 0), 0, 1);

        double withWidth = Model(Base with { ExpertHalfWidth = 500 }, tp, routing).Terms(shape).ExpertGemm;
        double atLowerCompute = Model(Base with { Compute = Base.Compute * width / (width + 500) }, tp, routing).Terms(shape).ExpertGemm;

        Assert.Equal(atLowerCompute, withWidth, 12);
    }

    [Fact]
    public void No_half_width_leaves_experts_as_dense_GEMMs_and_dense_terms_never_move()
    {
        var shape = new BatchShape(2048, BatchShape.PrefillAttention(2048, 0), 0, 1);
        IterationTerms plain = Model(Base, 8).Terms(shape);
        IterationTerms narrow = Model(Base with { ExpertHalfWidth = 500 }, 8).Terms(shape);

        Assert.True(narrow.ExpertGemm > 1.5 * plain.ExpertGemm, $"{narrow.ExpertGemm} against {plain.ExpertGemm}");
        Assert.Equal(plain.DenseGemm, narrow.DenseGemm);
        Assert.Equal(plain.Attention, narrow.Attention);
        Assert.Equal(plain.Collectives, narrow.Collectives);
    }

    [Fact]
    public void Experts_combined_by_the_all_reduce_send_no_all_to_all()
    {
        // SGLang's --ep-size without an all-to-all backend, TensorRT-LLM's ep_size without attention DP: every rank holds
        // every token after the tensor-parallel attention, so only the all-to-all term differs from DeepEP-style dispatch.
        BatchShape shape = BatchShape.Decode(64, 64 * 1024);
        var routing = new RoutingOutcome(1.3, 20, 120, 0, 64 * 8);
        IterationTerms dispatched = Model(Base, 8, new MoeRoutingOptions { ExpertParallel = 8 }).Terms(shape, routing);
        IterationTerms reduced = Model(Base, 8, new MoeRoutingOptions { ExpertParallel = 8, Dispatch = ExpertDispatch.AllReduce }).Terms(shape, routing);

        IterationTerms plain = Model(Base, 8, new MoeRoutingOptions { ExpertParallel = 8, Dispatch = ExpertDispatch.AllReduce }).Terms(shape);
        Assert.Equal(plain.Collectives, reduced.Collectives);   // the two all-reduces a layer, nothing more
        Assert.True(dispatched.Collectives > reduced.Collectives + 1e-4, $"{dispatched.Collectives} against {reduced.Collectives}");   // 2 x 94 all-to-alls of 7 steps' latency
        Assert.Equal(dispatched.ExpertGemm, reduced.ExpertGemm);
    }

    [Theory]
    [InlineData("hopper-vllm", Precision.BF16)]
    [InlineData("hopper-vllm", Precision.FP8)]
    [InlineData("ampere-vllm", Precision.BF16)]
    [InlineData("generic", Precision.BF16)]
    [InlineData("generic", Precision.FP8)]
    public void The_vLLM_rows_carry_the_half_width_fitted_on_Qwen3_235B(string id, Precision precision)
    {
        Assert.True(SimCatalog.Default.Calibrations.TryGet(id, precision, out ServingCalibration c));
        Assert.Equal(428, c.Factors.ExpertHalfWidth);
    }

    [Theory]
    [InlineData("hopper-trtllm", Precision.FP8)]
    [InlineData("cdna3-vllm", Precision.FP8)]
    public void Rows_that_saw_no_MoE_run_run_experts_as_dense_GEMMs(string id, Precision precision)
    {
        Assert.True(SimCatalog.Default.Calibrations.TryGet(id, precision, out ServingCalibration c));
        Assert.Equal(0, c.Factors.ExpertHalfWidth);
    }
}
