using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Performance;

/// <summary>
/// Decode attention walked one thread block per sequence and KV head (TensorRT-LLM before 0.12): a small batch's step
/// takes as long as one SM needs to walk a context, whatever the memory's bandwidth.
/// </summary>
public class DecodeAttentionBlocksTests
{
    private static readonly EfficiencyFactors Factors = new() { Compute = 0.7, Memory = 0.86, Attention = 0.45, KvRead = 0.87, Link = 0.5 };

    private static ServingDeployment On(string model, string chip, int tp, string engineVersion, ServingEngine engine = ServingEngine.TensorRtLlm) => new()
    {
        Model = SimCatalog.Default.Models.Get(model),
        Accelerator = SimCatalog.Default.Hardware.Get(chip),
        TensorParallel = tp,
        Weights = Precision.FP8,
        KvCache = Precision.FP8,
        Engine = engine,
        EngineVersion = engineVersion,
        Efficiency = Factors,
    };

    /// <summary>A catalog deployment as a replayed TensorRT-LLM 0.9.0 row gets it: the release's calibration row and its factors.</summary>
    private static StepTimeModel Catalogued(string model, string chip, int tp, Precision weights) =>
        new(SimCatalog.Default.Calibrations.Apply(new ServingDeployment
        {
            Model = SimCatalog.Default.Models.Get(model),
            Accelerator = SimCatalog.Default.Hardware.Get(chip),
            TensorParallel = tp,
            Weights = weights,
            KvCache = weights,
            Engine = ServingEngine.TensorRtLlm,
            EngineVersion = "0.9.0",
        }));

    [Fact]
    public void A_batch_of_one_takes_as_long_as_one_SM_walks_its_context_through_every_layer()
    {
        ServingDeployment d = On("llama-2-70b", "H100-SXM", 2, "0.9.0");
        var model = new StepTimeModel(d);
        const int context = 4000;

        double walk = context * d.Model.AttentionLayers * DecodeAttentionBlocks.CyclesPerToken / (d.Accelerator.SustainedSmClockGhz!.Value * 1e9);
        Assert.Equal(walk, model.Terms(BatchShape.Decode(1, context)).Attention, 12);
        Assert.True(walk > 5 * new StepTimeModel(d with { EngineVersion = "0.12.0" }).Terms(BatchShape.Decode(1, context)).Attention,
            "four blocks on 132 SMs walk far slower than the memory reads");
    }

    [Theory]
    [InlineData("llama-2-70b", 1, 8)]    // groups of eight query heads: XQA, a block a KV head
    [InlineData("llama-2-70b", 8, 1)]
    [InlineData("llama-2-70b", 16, 1)]   // a KV head repeated over the ranks: still one
    [InlineData("mistral-7b", 1, 32)]    // groups of four: the masked kernel, a block a query head
    [InlineData("mistral-7b", 2, 16)]
    [InlineData("llama-2-7b", 1, 32)]    // multi-head attention: a query head is a KV head
    [InlineData("llama-3.1-8b", 1, 32)]
    public void XQA_runs_a_block_a_KV_head_for_groups_of_eight_and_the_masked_kernel_a_block_a_query_head(string model, int tp, int blocks) =>
        Assert.Equal(blocks, DecodeAttentionBlocks.BlocksPerSequence(SimCatalog.Default.Models.Get(model), tp));

    [Fact]
    public void The_step_command_names_the_kernel_and_its_blocks()
    {
        Assert.Equal("decode attention: 32 thread blocks a sequence on each rank (the masked multi-head kernel, a block a query head: XQA is built for groups of 8 query heads a KV head, and mistral-7b groups 4), each walking its whole context on one SM (TensorRT-LLM before 0.12)",
            DecodeAttentionBlocks.Describe(On("mistral-7b", "H100-SXM", 1, "0.9.0")));
        Assert.Equal("decode attention: 2 thread blocks a sequence on each rank (XQA, a block a KV head), each walking its whole context on one SM (TensorRT-LLM before 0.12)",
            DecodeAttentionBlocks.Describe(On("llama-2-70b", "H100-SXM", 4, "0.9.0")));
        Assert.StartsWith("decode attention: 16 thread blocks a sequence on each rank (the masked multi-head kernel, a block a head)", DecodeAttentionBlocks.Describe(On("llama-2-7b", "H100-SXM", 2, "0.9.0")), StringComparison.Ordinal);
        Assert.EndsWith("; no SM count for MI300X, so timed at the memory's rate alone", DecodeAttentionBlocks.Describe(On("llama-2-70b", "MI300X", 8, "0.9.0")), StringComparison.Ordinal);
        Assert.Null(DecodeAttentionBlocks.Describe(On("mistral-7b", "H100-SXM", 1, "0.12.0")));
    }

    [Fact]
    public void A_full_batch_of_Mistral_walks_as_many_blocks_as_Llama_2_7B_whatever_its_smaller_KV()
    {
        // Measured (TensorRT-LLM 0.9.0, H100 FP8, 128/128): 896 sequences decode in 32.1 ms on Mistral 7B and 33.8 ms on
        // Llama 2 7B, whose KV is four times larger; on the memory's rate alone Mistral's step would be a third faster.
        var mistral = new StepTimeModel(On("mistral-7b", "H100-SXM", 1, "0.9.0"));
        var llama = new StepTimeModel(On("llama-2-7b", "H100-SXM", 1, "0.9.0"));
        const int batch = 896;
        Assert.Equal(mistral.BlockSecondsPerKvToken(batch), llama.BlockSecondsPerKvToken(batch), 15);
        double walk = 32 * DecodeAttentionBlocks.CyclesPerToken * batch * 32 / (132 * SimCatalog.Default.Hardware.Get("H100-SXM").SustainedSmClockGhz!.Value * 1e9) / batch;
        Assert.Equal(walk, mistral.BlockSecondsPerKvToken(batch), 15);
    }

    [Fact]
    public void The_walk_does_not_shrink_with_tensor_parallelism_as_each_rank_walks_its_own_heads_at_once()
    {
        // TensorRT-LLM 0.9.0's Llama 2 70B batches of one on A100 grow 0.76 us a context token at TP 2 and 0.72 at TP 4.
        double tp2 = new StepTimeModel(On("llama-2-70b", "A100-80GB", 2, "0.9.0")).Terms(BatchShape.Decode(1, 3000)).Attention;
        double tp4 = new StepTimeModel(On("llama-2-70b", "A100-80GB", 4, "0.9.0")).Terms(BatchShape.Decode(1, 3000)).Attention;
        Assert.Equal(tp2, tp4, 12);
    }

    [Fact]
    public void A_batch_that_fills_the_SMs_reads_at_the_memory_rate_as_a_split_kernel_does()
    {
        // 64 sequences of 4 KV heads a rank (XQA: groups of eight) are 256 blocks on 132 SMs: their walk takes less than
        // reading the cache.
        var blocks = new StepTimeModel(On("llama-3.1-70b", "H100-SXM", 2, "0.9.0"));
        var split = new StepTimeModel(On("llama-3.1-70b", "H100-SXM", 2, "0.12.0"));
        Assert.Equal(split.Terms(BatchShape.Decode(64, 64 * 2000)).Attention, blocks.Terms(BatchShape.Decode(64, 64 * 2000)).Attention, 15);
        Assert.True(blocks.Terms(BatchShape.Decode(4, 4 * 2000)).Attention > split.Terms(BatchShape.Decode(4, 4 * 2000)).Attention);
    }

    [Theory]
    [InlineData(ServingEngine.TensorRtLlm, "0.9.0", true)]
    [InlineData(ServingEngine.TensorRtLlm, "0.11.0", true)]
    [InlineData(ServingEngine.TensorRtLlm, "0.12.0", false)]
    [InlineData(ServingEngine.TensorRtLlm, "", false)]
    [InlineData(ServingEngine.Vllm, "0.4.0", false)]
    [InlineData(ServingEngine.Sglang, "0.3.0", false)]
    public void Only_TensorRT_LLM_before_0_12_walks_a_context_in_one_block(ServingEngine engine, string version, bool oneBlock)
    {
        ServingDeployment d = On("mistral-7b", "H100-SXM", 1, version, engine);
        Assert.Equal(oneBlock, DecodeAttentionBlocks.OneBlockPerHead(d));
        double withBlocks = new StepTimeModel(d).Terms(BatchShape.Decode(1, 3000)).Attention;
        double without = new StepTimeModel(d with { Engine = ServingEngine.Vllm }).Terms(BatchShape.Decode(1, 3000)).Attention;
        Assert.Equal(oneBlock, withBlocks > without);
    }

    [Fact]
    public void MLA_and_data_parallel_attention_are_not_walked_one_block_a_head()
    {
        Assert.False(DecodeAttentionBlocks.OneBlockPerHead(On("deepseek-v3", "H200", 8, "0.9.0")));
        Assert.False(DecodeAttentionBlocks.OneBlockPerHead(On("llama-3.1-70b", "H100-SXM", 8, "0.9.0") with { Attention = AttentionLayout.DataParallel }));
        Assert.True(DecodeAttentionBlocks.OneBlockPerHead(On("llama-3.1-70b", "H100-SXM", 8, "0.9.0")));
    }

    [Fact]
    public void A_chip_the_catalog_gives_no_SM_count_keeps_the_roofline()
    {
        Assert.Null(SimCatalog.Default.Hardware.Get("B200").Sms);
        ServingDeployment d = On("llama-3.1-8b", "B200", 1, "0.9.0");
        Assert.True(DecodeAttentionBlocks.Untimed(d));
        Assert.False(DecodeAttentionBlocks.Untimed(On("llama-3.1-8b", "H100-SXM", 1, "0.9.0")));
        Assert.Equal(
            new StepTimeModel(d with { EngineVersion = "0.12.0" }).Terms(BatchShape.Decode(1, 3000)).Attention,
            new StepTimeModel(d).Terms(BatchShape.Decode(1, 3000)).Attention);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(9)]
    [InlineData(40)]
    [InlineData(128)]
    public void A_decode_stretch_times_each_iteration_to_the_nanosecond_as_one_step_would(int sequences)
    {
        var model = new StepTimeModel(On("llama-2-70b", "H100-SXM", 4, "0.9.0"));
        DecodeStretchAssert.MatchesSteps(model, sequences, sequences * 1500L);
        DecodeStretchAssert.MatchesSteps(model, sequences, sequences * 7L);
    }

    [Theory]
    // TensorRT-LLM 0.9.0's published batches of one (data/published/trtllm-0.9-static-runs.csv), held out of the cycles'
    // fit (Llama 2 70B's): the ITL from 128/128 to 2,048/2,048 tokens, contexts averaging 192 and 3,072.
    [InlineData("mistral-7b", "A100-80GB", 1, Precision.BF16, 11.2, 12.1)]
    [InlineData("mistral-7b", "H100-SXM", 1, Precision.BF16, 6.8, 7.6)]
    [InlineData("mistral-7b", "L40S", 1, Precision.FP8, 12.2, 12.8)]
    public void A_batch_of_one_grows_with_its_context_as_published_within_a_quarter(string model, string chip, int tp, Precision weights, double shortMs, double longMs)
    {
        StepTimeModel step = Catalogued(model, chip, tp, weights);
        double grown = (step.Terms(BatchShape.Decode(1, 3072)).Total - step.Terms(BatchShape.Decode(1, 192)).Total) * 1e3;
        double published = longMs - shortMs;
        Assert.InRange(grown, 0.75 * published, 1.25 * published);
    }
}
