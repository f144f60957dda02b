using ClusterSim.Core.Catalog;
using ClusterSim.Core.Training;

namespace ClusterSim.Core.Tests.Training;

public class TrainingCalibrationsTests
{
    private static AcceleratorSpec Chip(string id) => SimCatalog.Default.Hardware.Get(id);

    [Fact]
    public void Fp8_rows_are_told_apart_by_their_scaling()
    {
        var tensor = TrainingCalibrations.For(Chip("H100-SXM"), Precision.FP8, Fp8Scaling.Tensor);
        var block = TrainingCalibrations.For(Chip("H100-SXM"), Precision.FP8, Fp8Scaling.Block);
        Assert.Null(tensor.Warning);
        Assert.Null(block.Warning);
        Assert.Equal(0.6367, tensor.Efficiency.Matmul);   // Megatron-Bridge's Llama 3 70B, per-tensor scaling
        Assert.Equal(0.3425, block.Efficiency.Matmul);    // DeepSeek-V3's recipe, block scaling
        Assert.Contains("fp8 with per-tensor scaling", tensor.Description, StringComparison.Ordinal);
        Assert.Contains("fp8 with block scaling", block.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void The_scaling_changes_nothing_at_other_precisions()
    {
        Assert.Equal(
            TrainingCalibrations.For(Chip("H100-SXM"), Precision.BF16, Fp8Scaling.Tensor),
            TrainingCalibrations.For(Chip("H100-SXM"), Precision.BF16, Fp8Scaling.Block));
    }

    [Fact]
    public void A_missing_recipe_borrows_the_other_one_and_says_so()
    {
        // Every shipped generation with FP8 has both recipes; without the block row, block scaling borrows the tensor one.
        var rows = TrainingCalibrations.All.Where(c => !(c.Id == "blackwell-megatron" && c.Fp8Scaling == Fp8Scaling.Block)).ToList();
        var (efficiency, _, warning) = TrainingCalibrations.For(rows, Chip("B200"), Precision.FP8, Fp8Scaling.Block);
        Assert.Equal(0.5663, efficiency.Matmul);
        Assert.NotNull(warning);
        Assert.Contains("no training calibration at fp8 with block scaling", warning, StringComparison.Ordinal);
        Assert.Contains("fp8 with per-tensor scaling factors of blackwell-megatron", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Blackwell_has_a_row_for_each_recipe_and_for_fp4()
    {
        Assert.Equal(0.5663, TrainingCalibrations.For(Chip("GB200"), Precision.FP8, Fp8Scaling.Tensor).Efficiency.Matmul);
        Assert.Equal(0.5435, TrainingCalibrations.For(Chip("GB200"), Precision.FP8, Fp8Scaling.Block).Efficiency.Matmul);
        var fp4 = TrainingCalibrations.For(Chip("GB300"), Precision.INT4);
        Assert.Equal(0.3821, fp4.Efficiency.Matmul);
        Assert.Null(fp4.Warning);
        Assert.Contains("GB300 training fp4: blackwell-megatron", fp4.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_fp8_row_names_its_recipe_and_no_other_row_does()
    {
        Assert.All(TrainingCalibrations.All, row => Assert.Equal(row.Precision == Precision.FP8, row.Fp8Scaling is not null));
    }
}
