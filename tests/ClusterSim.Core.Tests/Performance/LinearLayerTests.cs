using ClusterSim.Core.Catalog;
using ClusterSim.Core.Inference;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Performance;

/// <summary>
/// Hybrids of attention and Gated DeltaNet layers (Qwen3.5): the linear layers keep no KV cache but a fixed state per
/// sequence, which decode reads and writes back every step, and which each running sequence holds whole.
/// </summary>
public class LinearLayerTests
{
    private static readonly EfficiencyFactors Factors = new() { Compute = 0.7, Memory = 0.8, Attention = 0.5, KvRead = 0.6, Link = 0.5 };

    private static ModelSpec Qwen35 => SimCatalog.Default.Models.Get("qwen3.5-397b-a17b");

    private static ServingDeployment On(ModelSpec model, int tp = 8) => new()
    {
        Model = model,
        Accelerator = SimCatalog.Default.Hardware.Get("H200"),
        TensorParallel = tp,
        Weights = Precision.FP8,
        Efficiency = Factors,
    };

    [Fact]
    public void Only_the_attention_layers_keep_a_KV_cache_and_attend()
    {
        ModelSpec m = Qwen35;

        Assert.Equal(15, m.AttentionLayers);
        Assert.Equal(15 * 2.0 * 2 * 256, m.KvElementsPerToken);   // 15 layers of 2 KV heads of 256, keys and values
        Assert.Equal(2.0 * 15 * 32 * (256 + 256), m.AttentionFlopsPerContextToken);
    }

    [Fact]
    public void A_sequence_state_is_its_value_heads_matrices_and_the_convolution_window()
    {
        ModelSpec m = Qwen35;
        double recurrence = 64.0 * 128 * 128 * 4;                  // 64 value heads of 128 x 128 in FP32
        double convolution = 3 * ((2.0 * 16 * 128) + (64 * 128)) * 2;   // the last 3 inputs of 12,288 channels in BF16

        Assert.Equal(recurrence + convolution, m.LinearStateBytesPerLayer);
        Assert.Equal(45 * (recurrence + convolution), m.LinearStateBytesPerSequence);
        Assert.InRange(m.LinearStateBytesPerSequence / 1048576, 183, 184);
    }

    [Fact]
    public void The_linear_layers_projections_are_counted_in_place_of_attention()
    {
        ModelSpec m = Qwen35;
        ModelSpec allAttention = m with { LinearLayers = 0, LinearKeyHeads = 0, LinearKeyDim = 0, LinearValueHeads = 0, LinearValueDim = 0, LinearConvKernel = 0, LinearStateBytes = 0 };
        // in_proj_qkvz 4,096 x (2·2,048 + 2·8,192), in_proj_ba 4,096 x 128, conv 12,288 x 4, out_proj 8,192 x 4,096
        double gatedDeltaNet = (4096.0 * 20480) + (4096.0 * 128) + (12288.0 * 4) + (8192.0 * 4096);

        Assert.Equal(gatedDeltaNet, m.LinearMixerParametersPerLayer);
        Assert.Equal(allAttention.TotalParameters + (45 * (gatedDeltaNet - m.AttentionParametersPerLayer)), m.TotalParameters, 1e-6 * m.TotalParameters);
    }

    [Fact]
    public void The_gate_on_the_attention_output_doubles_the_query_projection()
    {
        ModelSpec m = Qwen35;

        Assert.Equal((4096.0 * 32 * 256 * 2) + (2 * 4096.0 * 2 * 256) + (32.0 * 256 * 4096), m.AttentionParametersPerLayer);
        Assert.Equal(4096.0 * 32 * 256, m.AttentionParametersPerLayer - (m with { AttentionOutputGate = false }).AttentionParametersPerLayer);
    }

    [Fact]
    public void Decode_reads_and_writes_every_sequence_state_each_step_whatever_its_context()
    {
        ServingDeployment d = On(Qwen35);
        var model = new StepTimeModel(d);
        // Unless a row measures it, the state moves at a quarter of the KV reads' efficiency (fitted on Nemotron 3 Nano, vLLM, B200).
        Assert.Equal(0.6 * 0.25, Factors.StateUpdateFor, 12);
        double stateSeconds = 2 * d.LinearStateBytes / (d.Accelerator.MemoryBytesPerSecond * Factors.StateUpdateFor * d.TensorParallel);

        // At no context, attention is the recurrence alone, and it grows with the sequences, not with their contexts.
        Assert.Equal(64 * stateSeconds, model.Terms(BatchShape.Decode(64, 0)).Attention, 12);
        double shortContexts = model.Terms(BatchShape.Decode(64, 64 * 1000)).Attention;
        double longContexts = model.Terms(BatchShape.Decode(64, 64 * 2000)).Attention;
        double attentionOnly = new StepTimeModel(On(Qwen35 with { LinearLayers = 0, LinearKeyHeads = 0, LinearKeyDim = 0, LinearValueHeads = 0, LinearValueDim = 0, LinearConvKernel = 0, LinearStateBytes = 0 }))
            .Terms(BatchShape.Decode(64, 64 * 1000)).Attention;
        Assert.Equal(longContexts - shortContexts, (shortContexts - (64 * stateSeconds)), 9);   // only the 15 attention layers' KV reads grow
        Assert.True(shortContexts - (64 * stateSeconds) < attentionOnly / 3, "a quarter of the layers attend");
    }

    [Fact]
    public void A_measured_state_update_efficiency_replaces_the_share_of_the_KV_reads()
    {
        ServingDeployment d = On(Qwen35);
        double derived = new StepTimeModel(d).Terms(BatchShape.Decode(64, 0)).Attention;
        double measured = new StepTimeModel(d with { Efficiency = Factors with { StateUpdate = 0.45 } }).Terms(BatchShape.Decode(64, 0)).Attention;

        // At no context the step's attention term is the state's traffic alone: three times the efficiency, a third of the time.
        Assert.Equal(derived / 3, measured, 12);
        Assert.Throws<ArgumentException>(() => (Factors with { StateUpdate = 1.5 }).Validated());
    }

    [Fact]
    public void SGLang_keeps_the_recurrent_state_in_FP32_whatever_the_config_says()
    {
        // Qwen3-Next's config names no state dtype, so vLLM keeps it in the model's 16 bits; SGLang's Mamba cache in FP32.
        ModelSpec next = SimCatalog.Default.Models.Get("qwen3-next-80b-a3b");
        ServingDeployment vllm = On(next, tp: 4);
        ServingDeployment sglang = vllm with { Engine = ServingEngine.Sglang };

        Assert.Equal((2, 4), (vllm.StateElementBytes, sglang.StateElementBytes));
        Assert.Equal(next.LinearLayers * next.LinearStateElements * 2, sglang.LinearStateBytes - vllm.LinearStateBytes, 6);   // the convolution's inputs stay 16-bit
        Assert.Equal(4, (On(Qwen35) with { Engine = ServingEngine.Sglang }).StateElementBytes);   // already FP32 by its config
    }

    [Fact]
    public void A_prompt_chunk_pays_the_recurrence_FLOPs_of_each_token()
    {
        ServingDeployment d = On(Qwen35);
        var model = new StepTimeModel(d);

        // At the chunked scan's share of the BF16 peak (fitted on Megatron-Bridge's Nemotron 3 Nano run), unless a row measures it.
        Assert.Equal(RecurrentKernels.ScanShareOfBf16Peak, Factors.ScanFor);
        double secondsPerFlop = 1.0 / (d.Accelerator.PeakFlops(Precision.BF16) * Factors.ScanFor * d.TensorParallel);
        var chunk = new BatchShape(NewTokens: 8192, AttentionContext: 0, KvTokensRead: 0, Sequences: 1);

        Assert.Equal(Qwen35.LinearFlopsPerToken * 8192 * secondsPerFlop, model.Terms(chunk).Attention, 12);
        Assert.Equal(6.0 * 64 * 128 * 128 * 45, Qwen35.LinearFlopsPerToken);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(37)]
    [InlineData(256)]
    public void A_decode_stretch_times_each_iteration_to_the_nanosecond_as_one_step_would(int sequences)
    {
        DecodeStretchAssert.MatchesSteps(new StepTimeModel(On(Qwen35)), sequences, sequences * 3000L);
    }

    [Fact]
    public void Each_running_sequence_holds_its_state_in_blocks_from_admission()
    {
        ServingDeployment d = On(Qwen35);
        int stateBlocks = (int)Math.Ceiling(d.LinearStateBytes / d.KvBlockBytes);

        // 183 MiB of state against blocks of 16 tokens of KV, copied four times (2 KV heads over 8): about 1,500 tokens' worth.
        Assert.InRange(stateBlocks, 90, 110);
        Assert.Equal(stateBlocks, d.HeldBlocks(10));
        Assert.Equal(stateBlocks, d.HeldBlocks(100_000));   // the same however long the sequence
        Assert.Equal(d.Model.LinearStateBytesPerSequence, d.LinearStateBytes);   // 64 value heads over 8: sliced, not copied
        Assert.Equal(4 * d.Model.LinearStateBytesPerSequence, (d with { TensorParallel = 256 }).LinearStateBytes);
    }

    [Fact]
    public void A_hybrid_finds_no_prefix_in_the_cache_as_vLLM_keeps_no_recurrent_state_there()
    {
        ServingDeployment d = On(Qwen35);
        var pool = new KvBlockPool(d, new SchedulerOptions { PrefixCaching = true }, new RequestTable());

        Assert.Null(pool.Cache);
        Assert.NotNull(new KvBlockPool(On(SimCatalog.Default.Models.Get("qwen3-235b-a22b")), new SchedulerOptions { PrefixCaching = true }, new RequestTable()).Cache);
    }

    [Fact]
    public void A_draft_head_of_a_hybrid_is_one_attention_layer()
    {
        ModelSpec head = SpeculativeDecoding.DraftHead(Qwen35);

        Assert.Equal((1, 0, 1), (head.Layers, head.LinearLayers, head.AttentionLayers));
        Assert.True(head.KvElementsPerToken > 0);
    }
}
