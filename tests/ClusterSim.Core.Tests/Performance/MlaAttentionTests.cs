using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Performance;

/// <summary>
/// Multi-head latent attention at its own efficiency: an MLA model's attention term is the one at that fraction of the
/// peak, nothing else moves, and a model with grouped-query attention keeps the attention efficiency.
/// </summary>
public class MlaAttentionTests
{
    private static readonly EfficiencyFactors Base = new() { Compute = 0.5, Memory = 0.7, Attention = 0.45, KvRead = 0.7, Link = 0.5 };

    private static IterationTerms Prefill(EfficiencyFactors f, string model, int tokens) => new StepTimeModel(new ServingDeployment
    {
        Model = SimCatalog.Default.Models.Get(model),
        Accelerator = SimCatalog.Default.Hardware.Get("MI300X"),
        Weights = Precision.FP8,
        TensorParallel = 8,
        Efficiency = f,
    }).Terms(new BatchShape(tokens, BatchShape.PrefillAttention(tokens, 0), 0, 1));

    [Fact]
    public void An_MLA_model_runs_attention_at_its_own_efficiency_and_nothing_else_moves()
    {
        IterationTerms plain = Prefill(Base, "deepseek-v3", 8192);
        IterationTerms own = Prefill(Base with { MlaAttention = 0.045 }, "deepseek-v3", 8192);

        Assert.Equal(10 * plain.Attention, own.Attention, 9);   // a tenth of the efficiency, ten times the time (compute-bound at 8k)
        Assert.Equal(plain.DenseGemm, own.DenseGemm);
        Assert.Equal(plain.ExpertGemm, own.ExpertGemm);
        Assert.Equal(plain.Collectives, own.Collectives);
    }

    [Fact]
    public void A_grouped_query_model_keeps_the_attention_efficiency()
    {
        Assert.Equal(Prefill(Base, "llama-3.1-70b", 8192).Attention, Prefill(Base with { MlaAttention = 0.045 }, "llama-3.1-70b", 8192).Attention);
    }

    [Theory]
    [InlineData(true, 0.0347, 0.0347)]
    [InlineData(false, 0.0347, 0.45)]
    [InlineData(true, 0, 0.45)]   // not measured apart: MLA runs at the attention efficiency
    public void The_efficiency_a_model_runs_at(bool mla, double mlaAttention, double expected) =>
        Assert.Equal(expected, (Base with { MlaAttention = mlaAttention }).AttentionFor(mla));

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void An_efficiency_outside_its_range_is_refused(double value)
    {
        var e = Assert.Throws<ArgumentException>(() => (Base with { MlaAttention = value }).Validated());
        Assert.Contains("mla_attention", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_the_CDNA3_SGLang_rows_set_it()
    {
        // Fitted on MI300X's DeepSeek-R1 runs of each release: 0.5.12's latent attention at 3.5 % of the peak, 0.5.9's at 7.1 %.
        foreach (ServingCalibration row in SimCatalog.Default.Calibrations.All)
        {
            double expected = row.Id switch { "cdna3-sglang" => 0.0347, "cdna3-sglang@0.5.9" => 0.0705, _ => 0 };
            Assert.Equal(expected, row.Factors.MlaAttention);
        }
    }
}
