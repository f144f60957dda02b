using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Performance;

/// <summary>
/// The tile waste a grouped expert GEMM pays for each expert a step touches, set apart from the dense GEMMs' where the
/// mixture-of-experts kernels tile differently: only the expert term moves, and a row that does not set it keeps the
/// dense GEMMs' waste for its experts.
/// </summary>
public class ExpertTileTests
{
    private static readonly EfficiencyFactors Base = new() { Compute = 0.4, GemmHalfTokens = 256, Memory = 0.8, Attention = 0.45, KvRead = 0.75, Link = 0.5 };

    private static IterationTerms Decode(EfficiencyFactors f, int sequences) => new StepTimeModel(new ServingDeployment
    {
        Model = SimCatalog.Default.Models.Get("deepseek-v3"),
        Accelerator = SimCatalog.Default.Hardware.Get("B200"),
        Weights = Precision.INT4,
        TensorParallel = 8,
        Efficiency = f,
    }).Terms(BatchShape.Decode(sequences, sequences * 1024.0));

    [Fact]
    public void An_experts_own_tile_waste_moves_the_expert_term_alone()
    {
        IterationTerms dense = Decode(Base, 64);
        IterationTerms own = Decode(Base with { ExpertHalfTokens = 64 }, 64);

        Assert.True(own.ExpertGemm < dense.ExpertGemm, $"{own.ExpertGemm} against {dense.ExpertGemm}");
        Assert.Equal(dense.DenseGemm, own.DenseGemm);
        Assert.Equal(dense.Attention, own.Attention);
        Assert.Equal(dense.Collectives, own.Collectives);

        // Set to the dense GEMMs' own value, nothing moves.
        Assert.Equal(dense.ExpertGemm, Decode(Base with { ExpertHalfTokens = 256 }, 64).ExpertGemm);
    }

    [Theory]
    [InlineData(0, 256)]   // not set apart: the dense GEMMs' waste
    [InlineData(64, 64)]
    public void The_rows_an_expert_pays(double expertHalfTokens, double rows) =>
        Assert.Equal(rows, (Base with { ExpertHalfTokens = expertHalfTokens }).ExpertTileRows);

    [Fact]
    public void TensorRT_LLMs_Blackwell_FP4_row_caps_an_experts_waste_at_its_MoE_kernels_largest_tile()
    {
        Assert.True(SimCatalog.Default.Calibrations.TryGet("blackwell-trtllm", Precision.INT4, out ServingCalibration row));
        Assert.Equal(256, row.Factors.GemmHalfTokens);   // the dense FP4 GEMMs', fitted on Llama 3.3 70B
        Assert.Equal(64, row.Factors.ExpertTileRows);     // trtllm-gen MoE: at most 64 tokens of an expert a tile
        // SGLang's MoE kernels pay next to none (fitted on H200, carried to Blackwell); every other row takes its GEMMs' 64.
        string[] own = ["blackwell-trtllm", "hopper-sglang", "blackwell-sglang"];
        Assert.All(SimCatalog.Default.Calibrations.All.Where(c => !own.Contains(c.Id)), c => Assert.Equal(0, c.Factors.ExpertHalfTokens));
        Assert.True(SimCatalog.Default.Calibrations.TryGet("hopper-sglang", Precision.FP8, out ServingCalibration sglang));
        Assert.InRange(sglang.Factors.ExpertTileRows, 0.001, 4);   // set apart from the GEMMs' 64 (0 would mean those), under a few rows
    }

    [Fact]
    public void A_negative_value_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => (Base with { ExpertHalfTokens = -1 }).Validated());
        Assert.Contains("expert_half_tokens", e.Message, StringComparison.Ordinal);
    }
}
