using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Performance;

/// <summary>
/// How a quantised checkpoint stores its parts (<see cref="CheckpointConventions"/>): the embedding tables in 16 bits beside
/// datacenter formats, quantised with the layers on edge devices (MLC), and read at their own width every decode step.
/// </summary>
public class CheckpointConventionsTests
{
    private static readonly ModelSpec Llama8B = SimCatalog.Default.Models.Get("llama-3.1-8b");

    private static ServingDeployment On(string hardware, Precision weights, Precision? head = null)
    {
        var deployment = new ServingDeployment { Model = Llama8B, Accelerator = SimCatalog.Default.Hardware.Get(hardware), Weights = weights, HeadWeights = head };
        return deployment with { Efficiency = SimCatalog.Default.Calibrations.For(deployment.Accelerator, deployment.ComputePrecision).Calibration.Factors };
    }

    [Theory]
    [InlineData("H100-SXM", Precision.FP8, Precision.BF16)]
    [InlineData("A100-80GB", Precision.INT8, Precision.BF16)]
    [InlineData("A100-80GB", Precision.INT4, Precision.BF16)]
    [InlineData("H100-SXM", Precision.BF16, Precision.BF16)]
    [InlineData("Jetson-Orin-Nano-Super", Precision.INT4, Precision.INT4)]   // MLC's q4f16_1 quantises both tables
    public void The_tables_keep_their_tooling_s_format_unless_given(string hardware, Precision weights, Precision expected)
    {
        Assert.Equal(expected, On(hardware, weights).HeadFormat);
        Assert.Equal(Precision.FP8, On(hardware, weights, Precision.FP8).HeadFormat);
    }

    [Fact]
    public void Sixteen_bit_tables_beside_FP8_layers_add_one_byte_a_table_parameter()
    {
        // Llama 3.1 8B: untied tables, 2 x 128,256 x 4,096 = 1.05 billion parameters; FP8 layers at one byte each.
        ServingDeployment fp8 = On("H100-SXM", Precision.FP8);
        Assert.Equal(2.0 * 128_256 * 4_096, Llama8B.EmbeddingParameters);
        Assert.Equal(Llama8B.TotalParameters + Llama8B.EmbeddingParameters, fp8.WeightBytes, 0);
        Assert.Equal(Llama8B.TotalParameters, On("H100-SXM", Precision.FP8, Precision.FP8).WeightBytes, 0);
        Assert.True(fp8.KvCapacityBytes < On("H100-SXM", Precision.FP8, Precision.FP8).KvCapacityBytes);
    }

    [Fact]
    public void A_sixteen_bit_head_costs_a_memory_bound_decode_step_its_extra_bytes()
    {
        // One sequence's decode step reads every layer once: the head's extra 128,256 x 4,096 bytes at the calibrated
        // share of the H100's bandwidth (the arithmetic is far below the reads; the input table is looked up, not read).
        ServingDeployment wide = On("H100-SXM", Precision.FP8), narrow = On("H100-SXM", Precision.FP8, Precision.FP8);
        double extraSeconds = 128_256.0 * 4_096 / (wide.Accelerator.MemoryBytesPerSecond * wide.Efficiency.Memory);
        double step = new StepTimeModel(wide).DecodeNanos(1, 512) - new StepTimeModel(narrow).DecodeNanos(1, 512);
        Assert.InRange(step * 1e-9 / extraSeconds, 0.97, 1.03);
    }

    [Fact]
    public void A_sixteen_bit_head_multiplies_at_the_sixteen_bit_peak_in_a_prefill()
    {
        // A compute-bound prefill of 8 prompts of 1,024 tokens: its head GEMM (8 logit rows) runs at the BF16 peak
        // beside FP8 layers, so a 16-bit head costs more than an FP8 one however the bytes compare.
        ServingDeployment wide = On("H100-SXM", Precision.FP8), narrow = On("H100-SXM", Precision.FP8, Precision.FP8);
        var shape = new BatchShape(NewTokens: 8_192, AttentionContext: 8_192 * 512, KvTokensRead: 8_192, Sequences: 8);
        Assert.True(new StepTimeModel(wide).Iteration(shape).Nanos > new StepTimeModel(narrow).Iteration(shape).Nanos);
        Assert.Equal(Precision.BF16, wide.HeadComputePrecision);
        Assert.Equal(Precision.FP8, narrow.HeadComputePrecision);
    }

    [Theory]
    [InlineData("A100-80GB", 4.125)]                // W4A16 (GPTQ, AWQ, llm-compressor): a 16-bit scale a group of 128
    [InlineData("B200", 4.5)]                       // NVFP4 at the FP4 peak: an 8-bit scale a block of 16
    [InlineData("Jetson-Orin-Nano-Super", 4.5)]     // MLC's q4f16_1: a 16-bit scale a group of 32
    public void Four_bit_layers_carry_their_format_s_scales(string hardware, double bits)
    {
        ServingDeployment d = On(hardware, Precision.INT4);
        Assert.Equal(bits, d.WeightBitsPerElement);
        Assert.Equal(8, On(hardware, Precision.FP8).WeightBitsPerElement);
        Assert.Equal(4.25, (On(hardware, Precision.INT4) with { WeightBits = 4.25 }).WeightBitsPerElement);   // MXFP4, as given
        double tables = d.Model.EmbeddingParameters * d.HeadBytesPerElement;
        Assert.Equal((d.Model.TotalParameters - d.Model.EmbeddingParameters) * bits / 8, d.WeightBytes - tables, 0);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(40)]
    public void Stored_bits_outside_one_to_thirty_two_are_refused(double bits) =>
        Assert.Contains("weight_bits", Assert.Throws<ArgumentException>(() => (On("H100-SXM", Precision.INT4) with { WeightBits = bits }).Validated()).Message, StringComparison.Ordinal);

    [Fact]
    public void A_model_released_with_4_bit_experts_keeps_its_other_layers_in_16_bits()
    {
        // gpt-oss: MXFP4 experts (4.25 bits with their block scales), attention, routers and embedding tables in BF16,
        // as its quantization_config's modules_to_not_convert lists them; its 116.8 billion parameters come to about the
        // 65 GB its checkpoint weighs ("fits a single 80 GB GPU", OpenAI's model card).
        ModelSpec model = SimCatalog.Default.Models.Get("gpt-oss-120b");
        var d = new ServingDeployment { Model = model, Accelerator = SimCatalog.Default.Hardware.Get("H100-SXM"), Weights = Precision.INT4 };
        Assert.True(d.ReleasedFourBitExperts);
        Assert.Equal((Precision.BF16, Precision.BF16, 4.25), (d.DenseFormat, d.HeadFormat, d.WeightBitsPerElement));
        double body = model.TotalParameters - model.RoutedExpertParameters - model.EmbeddingParameters;
        Assert.Equal((model.RoutedExpertParameters * 4.25 / 8) + ((body + model.EmbeddingParameters) * 2), d.WeightBytes, 0);
        Assert.InRange(d.WeightBytes / 1e9, 63, 67);

        // A quantiser's 4-bit checkpoint of another mixture of experts quantises every linear layer; a given format wins.
        var mixtral = new ServingDeployment { Model = SimCatalog.Default.Models.Get("mixtral-8x7b"), Accelerator = d.Accelerator, Weights = Precision.INT4 };
        Assert.Equal((Precision.INT4, 4.125), (mixtral.DenseFormat, mixtral.WeightBitsPerElement));
        Assert.Equal(Precision.FP8, (d with { DenseWeights = Precision.FP8 }).DenseFormat);
    }

    [Fact]
    public void Sixteen_bit_attention_beside_4_bit_experts_costs_a_memory_bound_step_its_extra_bytes()
    {
        ServingDeployment wide = On("H100-SXM", Precision.INT4) with { Model = SimCatalog.Default.Models.Get("gpt-oss-20b") };
        wide = wide with { Efficiency = SimCatalog.Default.Calibrations.For(wide.Accelerator, wide.ComputePrecision).Calibration.Factors };
        ServingDeployment narrow = wide with { DenseWeights = Precision.INT4 };
        ModelSpec m = wide.Model;
        double body = m.ActiveParameters - m.EmbeddingParameters - ((double)m.MoELayers * m.TopK * m.ExpertParameters);
        double extraSeconds = body * (2 - (4.25 / 8)) / (wide.Accelerator.MemoryBytesPerSecond * wide.Efficiency.Memory);
        double step = new StepTimeModel(wide).DecodeNanos(1, 512) - new StepTimeModel(narrow).DecodeNanos(1, 512);
        Assert.InRange(step * 1e-9 / extraSeconds, 0.97, 1.03);
    }
}
