using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Performance;

public class ServingDeploymentTests
{
    private static ServingDeployment Deployment(string hardware, Precision weights) => new()
    {
        Model = SimCatalog.Default.Models.Get("llama-3.1-70b"),
        Accelerator = SimCatalog.Default.Hardware.Get(hardware),
        TensorParallel = 2,
        Weights = weights,
    };

    [Theory]
    [InlineData("H100-SXM")]   // has an 8-bit peak, no 4-bit one
    [InlineData("A100-80GB")]  // neither
    [InlineData("MI300X")]
    public void Four_bit_weights_multiply_in_sixteen_bits_without_a_four_bit_peak(string hardware)
    {
        // vLLM's W4A16 kernels (Marlin, Machete) dequantise to 16 bits; the 8-bit peak would time prefill twice as fast.
        ServingDeployment d = Deployment(hardware, Precision.INT4);
        Assert.Equal(Precision.BF16, d.ComputePrecision);
        Assert.Equal(0.5, d.WeightBytes / Deployment(hardware, Precision.FP8).WeightBytes, 12);
    }

    [Fact]
    public void Four_bit_weights_multiply_in_four_bits_on_Blackwell() =>
        Assert.Equal(Precision.INT4, Deployment("B200", Precision.INT4).ComputePrecision);

    [Theory]
    [InlineData("H100-SXM", Precision.FP8)]
    [InlineData("A100-80GB", Precision.BF16)]   // no FP8 peak: dequantised
    public void Eight_bit_weights_multiply_in_eight_bits_where_the_chip_has_them(string hardware, Precision expected) =>
        Assert.Equal(expected, Deployment(hardware, Precision.FP8).ComputePrecision);

    [Theory]
    [InlineData("H100-SXM", 8, true)]     // one HGX node
    [InlineData("H100-SXM", 16, false)]   // two nodes: the all-reduces would cross the scale-out network
    [InlineData("L40S", 8, true)]
    [InlineData("GB200", 64, true)]       // an NVL72 rack is one scale-up domain
    public void Tensor_parallelism_stays_within_the_scale_up_domain(string hardware, int tp, bool valid)
    {
        ServingDeployment d = SimCatalog.Default.Deployment("llama-3.1-70b", hardware, tensorParallel: tp, weights: Precision.FP8);
        if (valid)
        {
            d.Validated();
            return;
        }

        ArgumentException e = Assert.Throws<ArgumentException>(() => d.Validated());
        Assert.Equal($"tensor_parallel {tp} spans more than {hardware}'s scale-up domain of 8; keep tensor_parallel ≤ 8 and add pipeline_parallel to use more accelerators", e.Message);
    }
}
