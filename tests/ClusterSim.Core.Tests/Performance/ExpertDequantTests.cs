using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Performance;

/// <summary>
/// Experts stored narrower than the arithmetic, widened inside the grouped GEMMs: the expert term is the one at a
/// compute factor lowered by the dequantising fraction, and nothing else moves; experts the chip multiplies natively
/// are untouched.
/// </summary>
public class ExpertDequantTests
{
    private static readonly EfficiencyFactors Base = new() { Compute = 0.7, Memory = 0.8, Attention = 0.5, KvRead = 0.6, Link = 0.5, ExpertHalfWidth = 500 };

    private static IterationTerms Terms(EfficiencyFactors f, string accelerator, Precision weights, int tokens) => new StepTimeModel(new ServingDeployment
    {
        Model = SimCatalog.Default.Models.Get("gpt-oss-20b"),
        Accelerator = SimCatalog.Default.Hardware.Get(accelerator),
        Weights = weights,
        Efficiency = f,
    }).Terms(new BatchShape(tokens, BatchShape.PrefillAttention(tokens, 0), 0, 1));

    [Theory]
    [InlineData("H100-SXM", Precision.INT4)]   // 4-bit experts on a chip without a 4-bit peak
    [InlineData("A100-80GB", Precision.FP8)]   // 8-bit experts on a chip without an 8-bit peak
    public void Widened_experts_run_at_the_lowered_efficiency_and_nothing_else_moves(string accelerator, Precision weights)
    {
        IterationTerms plain = Terms(Base, accelerator, weights, 8192);
        IterationTerms widened = Terms(Base with { DequantExpert = 0.4 }, accelerator, weights, 8192);
        IterationTerms atLowerCompute = Terms(Base with { Compute = Base.Compute * 0.4 }, accelerator, weights, 8192);

        Assert.Equal(atLowerCompute.ExpertGemm, widened.ExpertGemm, 12);
        Assert.True(widened.ExpertGemm > 2 * plain.ExpertGemm, $"{widened.ExpertGemm} against {plain.ExpertGemm}");
        Assert.Equal(plain.DenseGemm, widened.DenseGemm);
        Assert.Equal(plain.Attention, widened.Attention);
    }

    [Theory]
    [InlineData("H100-SXM", Precision.FP8)]    // Hopper multiplies 8-bit weights natively
    [InlineData("H100-SXM", Precision.BF16)]
    [InlineData("B200", Precision.INT4)]       // Blackwell multiplies 4-bit weights natively
    public void Experts_the_chip_multiplies_natively_ignore_the_term(string accelerator, Precision weights)
    {
        Assert.Equal(Terms(Base, accelerator, weights, 4096).ExpertGemm, Terms(Base with { DequantExpert = 0.4 }, accelerator, weights, 4096).ExpertGemm);
    }

    [Theory]
    [InlineData("hopper-vllm", 0.311)]
    [InlineData("ampere-vllm", 0.581)]
    public void The_16_bit_vLLM_rows_carry_the_factor_fitted_on_gpt_oss_20b(string id, double fitted)
    {
        Assert.True(SimCatalog.Default.Calibrations.TryGet(id, Precision.BF16, out ServingCalibration c));
        Assert.Equal(fitted, c.Factors.DequantExpert);
        Assert.True(SimCatalog.Default.Calibrations.TryGet("generic", Precision.BF16, out ServingCalibration generic));
        Assert.Equal(1, generic.Factors.DequantExpert);
    }
}
