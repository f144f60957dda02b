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
        // The layers at GPTQ's 4.125 bits (a 16-bit scale a group of 128) against FP8's 8; both keep their embedding
        // tables in 16 bits (ServingDeployment.HeadFormat).
        double tables = 2 * d.Model.EmbeddingParameters;
        Assert.Equal(4.125 / 8, (d.WeightBytes - tables) / (Deployment(hardware, Precision.FP8).WeightBytes - tables), 12);
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
    [InlineData("H100-SXM", 8)]     // one HGX node
    [InlineData("H100-SXM", 16)]    // two nodes: the all-reduces cross the scale-out network
    [InlineData("L40S", 8)]
    [InlineData("GB200", 64)]       // an NVL72 rack is one scale-up domain
    public void Tensor_parallelism_spans_whole_scale_up_domains(string hardware, int tp)
    {
        ServingDeployment d = SimCatalog.Default.Deployment("llama-3.1-70b", hardware, tensorParallel: tp, weights: Precision.FP8).Validated();
        Assert.Equal(hardware == "H100-SXM" && tp == 16 ? 2 : 1, d.DomainsSpanned);
        Assert.Equal(d.DomainsSpanned > 1, d.AcrossDomainsNote is not null);
    }

    [Fact]
    public void Tensor_parallelism_over_part_of_a_domain_beyond_the_first_is_refused()
    {
        // GPT-3's 96 heads divide by 12, so the domains are what refuses it.
        ServingDeployment d = SimCatalog.Default.Deployment("gpt-3-175b", "H100-SXM", tensorParallel: 12, weights: Precision.FP8);
        ArgumentException e = Assert.Throws<ArgumentException>(() => d.Validated());
        Assert.Equal("tensor_parallel 12 spans more than H100-SXM's scale-up domain of 8 without filling whole domains; use a multiple of 8, or tensor_parallel ≤ 8 with pipeline_parallel", e.Message);
    }

    [Fact]
    public void Tensor_parallelism_across_domains_needs_the_network_bandwidth()
    {
        AcceleratorSpec chip = SimCatalog.Default.Hardware.Get("H100-SXM") with { ScaleOutGBps = null };
        ServingDeployment d = SimCatalog.Default.Deployment("llama-3.1-70b", "H100-SXM", tensorParallel: 16, weights: Precision.FP8) with { Accelerator = chip };
        ArgumentException e = Assert.Throws<ArgumentException>(() => d.Validated());
        Assert.StartsWith("tensor_parallel 16 spans 2 of H100-SXM's scale-up domains of 8, and the catalog gives no scale-out bandwidth (scale_out_gb_s)", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("H100-SXM", "(as tensor parallelism alone: 16, 2 scale-up domains of 8)")]   // 12 would not divide 128 heads or fill a node
    [InlineData("H200", "(as tensor parallelism alone: 8)")]
    public void A_model_too_large_is_told_a_tensor_parallel_size_that_would_run(string hardware, string said)
    {
        ServingDeployment one = SimCatalog.Default.Deployment("deepseek-v3", hardware, tensorParallel: 1, weights: Precision.FP8);
        ArgumentException e = Assert.Throws<ArgumentException>(() => one.Validated());
        Assert.EndsWith(said, e.Message, StringComparison.Ordinal);
        int tp = hardware == "H200" ? 8 : 16;
        _ = (one with { TensorParallel = tp }).Validated();
    }
    [Fact]
    public void vLLM_starts_only_where_one_sequence_of_its_max_model_len_fits_the_KV_cache()
    {
        // Llama 3.1 70B in BF16 on two H100s leaves its KV cache some tens of thousands of tokens against a 131,072-token
        // context: every block holds 16 tokens of the one sequence (no sliding-window layers), so the longest is all of them.
        ServingDeployment tight = SimCatalog.Default.Deployment("llama-3.1-70b", "H100-SXM", tensorParallel: 2);
        int tokens = tight.KvBlocks * tight.KvBlockTokens;
        Assert.InRange(tokens, 10_000, 100_000);
        Assert.Equal(tokens, tight.LongestHeldSequence);
        Assert.True(tight.SequenceBlocks(tight.LongestHeldSequence + 1) > tight.KvBlocks);
        Assert.Contains(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"vLLM does not start llama-3.1-70b here at max_model_len 131,072 (the model's context): one sequence of it needs more than the KV cache's {tokens:N0} tokens; a server started with max_model_len {tokens:N0} or less"),
            tight.VllmStartUpRefusal, StringComparison.Ordinal);

        // A server started with a shorter limit starts; so does every other engine (they size the cache without that check),
        // and a deployment with room for the whole context.
        Assert.Null((tight with { MaxModelLength = 8192 }).VllmStartUpRefusal);
        Assert.Null((tight with { Engine = ServingEngine.TensorRtLlm }).VllmStartUpRefusal);
        Assert.Null(SimCatalog.Default.Deployment("llama-3.1-8b", "H100-SXM").VllmStartUpRefusal);
        ServingDeployment device = SimCatalog.Default.Deployment("llama-3.1-8b", "Jetson-Orin-Nano-Super", weights: Precision.INT4);
        Assert.True(device.LongestHeldSequence < device.ContextLimit);
        Assert.Null(device.VllmStartUpRefusal);   // an on-device runtime: the app sets its context
    }
}
