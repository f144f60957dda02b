using ClusterSim.Core.Catalog;
using ClusterSim.Core.Inference;
using ClusterSim.Core.Moe;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Performance;

/// <summary>
/// Attention data parallelism: each rank of the tensor-parallel group attends its own sequences with every head and
/// stores only their KV; the attention weights are every rank's, the MLPs and experts stay split, and a gather before
/// each MLP and a scatter after it replace the two all-reduces of a layer.
/// </summary>
public class AttentionDataParallelTests
{
    private static readonly EfficiencyFactors Factors = new() { Compute = 0.7, Memory = 0.8, Attention = 0.5, KvRead = 0.6, Link = 0.5, CollectiveLatencySeconds = 10e-6 };

    private static ServingDeployment On(AttentionLayout attention, string model = "deepseek-v3") => new()
    {
        Model = SimCatalog.Default.Models.Get(model),
        Accelerator = SimCatalog.Default.Hardware.Get("H200"),
        TensorParallel = 8,
        Weights = Precision.FP8,
        KvCache = Precision.FP8,
        Efficiency = Factors,
        Attention = attention,
    };

    [Fact]
    public void Each_rank_stores_only_its_own_sequences_latents_and_holds_every_attention_weight()
    {
        ServingDeployment tp = On(AttentionLayout.TensorParallel), dp = On(AttentionLayout.DataParallel);
        ModelSpec v3 = tp.Model;

        Assert.Equal(8, tp.KvReplication);   // the latent is whole on every rank of the group
        Assert.Equal(1, dp.KvReplication);
        Assert.Equal(tp.KvBytesPerToken / 8, dp.KvBytesPerToken);
        Assert.Equal(7 * v3.MixerParameters * 1.0, dp.WeightBytes - tp.WeightBytes);   // FP8: a byte a parameter
        // The copies of the attention weights come out of the KV cache's room (11.4 GB of 42 GB a rank here), and what is
        // left holds eight times the tokens it did: about six times the blocks in all.
        Assert.Equal(tp.KvCapacityBytes - (7 * v3.MixerParameters), dp.KvCapacityBytes, 1e-3);
        Assert.InRange(dp.KvBlocks / (double)tp.KvBlocks, 8 * dp.KvCapacityBytes / tp.KvCapacityBytes * 0.999, 8 * dp.KvCapacityBytes / tp.KvCapacityBytes * 1.001);
        Assert.True(dp.KvBlocks > 5 * tp.KvBlocks);
    }

    [Fact]
    public void A_decode_step_reads_an_eighth_of_the_latents_and_every_ranks_attention_weights()
    {
        var tp = new StepTimeModel(On(AttentionLayout.TensorParallel));
        var dp = new StepTimeModel(On(AttentionLayout.DataParallel));
        ServingDeployment d = On(AttentionLayout.DataParallel);
        BatchShape decode = BatchShape.Decode(256, 256 * 4096.0);

        IterationTerms a = tp.Terms(decode), b = dp.Terms(decode);
        Assert.True(b.Attention < a.Attention / 4, $"KV read {b.Attention} against {a.Attention}");
        // Memory-bound dense GEMMs: each rank now streams all of the attention projections (FP8: a byte a parameter), 7/8
        // of them more than its slice; near the ridge the overlap passes on at least 80 % of that.
        double extraSeconds = 7 * d.Model.MixerParameters / (d.Accelerator.MemoryBytesPerSecond * Factors.Memory * 8);
        Assert.True(b.DenseGemm - a.DenseGemm > 0.8 * extraSeconds, $"dense GEMMs {b.DenseGemm} against {a.DenseGemm}, {extraSeconds} more to read");
    }

    [Fact]
    public void Collectives_keep_two_calls_a_layer_and_move_one_all_reduce_of_bytes_a_layer_with_an_MLP()
    {
        ServingDeployment tp = On(AttentionLayout.TensorParallel), dp = On(AttentionLayout.DataParallel);
        double link = tp.Accelerator.ScaleUpGBps!.Value * 1e9 * Factors.Link;
        double bytesPerToken = Collective.AllReduce(CollectiveAlgorithm.Ring, tp.Model.Hidden * 2.0, 8, link, 0);
        var modelTp = new StepTimeModel(tp);
        var modelDp = new StepTimeModel(dp);

        double tokensTp = modelTp.Terms(BatchShape.Decode(512, 0)).Collectives - modelTp.Terms(BatchShape.Decode(256, 0)).Collectives;
        double tokensDp = modelDp.Terms(BatchShape.Decode(512, 0)).Collectives - modelDp.Terms(BatchShape.Decode(256, 0)).Collectives;
        Assert.Equal(256 * 2 * tp.Model.Layers * bytesPerToken, tokensTp, 12);
        Assert.Equal(256 * tp.Model.LayersWithMlp * bytesPerToken, tokensDp, 12);
        // One sequence: the calls' latency alone, two a layer either way (DeepSeek-V3: every layer has an MLP).
        Assert.Equal(modelTp.Terms(BatchShape.Decode(1, 0)).Collectives - bytesPerToken * 2 * 61, modelDp.Terms(BatchShape.Decode(1, 0)).Collectives - bytesPerToken * 61, 12);
    }

    [Fact]
    public void With_all_to_all_dispatch_every_rank_holds_the_dense_weights_and_nothing_is_gathered()
    {
        // DeepEP's way (SGLang's moe-a2a-backend deepep, moe-dense-tp-size 1): only the routed experts stay split.
        ServingDeployment gathered = On(AttentionLayout.DataParallel) with { MoeRouting = new MoeRoutingOptions { ExpertParallel = 8, Dispatch = ExpertDispatch.AllReduce } };
        ServingDeployment deepEp = gathered with { MoeRouting = gathered.MoeRouting! with { Dispatch = ExpertDispatch.AllToAll } };
        ModelSpec v3 = deepEp.Model;

        Assert.False(gathered.DispatchesAllToAll);
        Assert.True(deepEp.DispatchesAllToAll);
        // FP8 layers at a byte a parameter, the embedding tables in 16 bits (as DeepSeek released them): a byte more each.
        Assert.Equal(7 * (v3.TotalParameters - v3.RoutedExpertParameters + v3.EmbeddingParameters), deepEp.WeightBytes - (On(AttentionLayout.TensorParallel).WeightBytes), 1e-3);
        Assert.Equal(0, new StepTimeModel(deepEp).Terms(BatchShape.Decode(64, 0)).Collectives);
        Assert.True(new StepTimeModel(gathered).Terms(BatchShape.Decode(64, 0)).Collectives > 0);

        // The all-to-alls come with sampled routing: dispatch and combine, each token's hidden state to its experts' ranks.
        var routing = new RoutingOutcome(Imbalance: 1, MaxExpertsTouchedPerAccelerator: 32, ExpertsTouched: 256, DroppedTokens: 0, RoutedTokens: 64 * 8);
        Assert.True(new StepTimeModel(deepEp).Terms(BatchShape.Decode(64, 0), routing).Collectives > 0);
    }

        [Fact]
    public void One_prompt_is_one_ranks_work_unless_the_engine_spreads_the_steps_prompts()
    {
        // A step with one 4,096-token prompt beside 64 decodes: data-parallel, the prompt's rank sets the step.
        var uneven = new ChunkedShape(64 * 2048, ranks: 8);
        uneven.AddPrompt(4096, 0);
        BatchShape one = uneven.WithDecodes(64);
        Assert.Equal((8 * 4096) - 4096, one.UnevenTokens);
        Assert.Equal((8 * BatchShape.PrefillAttention(4096, 0)) - BatchShape.PrefillAttention(4096, 0), one.UnevenAttention);

        // Eight prompts of that size: one a rank, even.
        var spread = new ChunkedShape(64 * 2048, ranks: 8);
        for (int i = 0; i < 8; i++)
        {
            spread.AddPrompt(4096, 0);
        }

        Assert.Equal(0, spread.WithDecodes(64).UnevenTokens);

        var dp = new StepTimeModel(On(AttentionLayout.DataParallel));
        var balanced = new StepTimeModel(On(AttentionLayout.BalancedDataParallel));
        var even = new ChunkedShape(64 * 2048);
        even.AddPrompt(4096, 0);
        BatchShape evenShape = even.WithDecodes(64);
        IterationTerms waits = dp.Terms(one), aligned = balanced.Terms(evenShape);
        Assert.True(waits.DenseGemm > 3 * aligned.DenseGemm, $"{waits.DenseGemm} against {aligned.DenseGemm}: one rank projects the prompt alone");
        Assert.True(waits.Attention > 4 * aligned.Attention, $"{waits.Attention} against {aligned.Attention}: one rank attends the prompt alone");
        Assert.Equal(aligned.Total, dp.Terms(evenShape).Total);   // nothing uneven: the layouts agree
    }

    [Fact]
    public void Tensor_parallel_steps_ignore_how_uneven_a_shape_says_it_is()
    {
        var tp = new StepTimeModel(On(AttentionLayout.TensorParallel));
        BatchShape shape = new(4096 + 64, (64 * 2048.0) + BatchShape.PrefillAttention(4096, 0), 64 * 2048.0, 65);
        Assert.Equal(tp.Terms(shape), tp.Terms(shape with { UnevenTokens = 28672, UnevenAttention = 1e9 }));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(13)]
    [InlineData(256)]
    public void A_decode_stretch_times_each_iteration_to_the_nanosecond_as_one_step_would(int sequences)
    {
        foreach (AttentionLayout layout in new[] { AttentionLayout.DataParallel, AttentionLayout.BalancedDataParallel })
        {
            var model = new StepTimeModel(On(layout));
            foreach (long perSequence in new long[] { 100, 2040, 30000 })
            {
                DecodeStretchAssert.MatchesSteps(model, sequences, sequences * perSequence);
            }
        }
    }

    [Fact]
    public void Attention_data_parallelism_needs_a_group_to_spread_over()
    {
        var e = Assert.Throws<ArgumentException>(() => (On(AttentionLayout.DataParallel) with { TensorParallel = 1 }).Validated());
        Assert.Contains("tensor_parallel of at least 2", e.Message);
        // Each rank holds every head, so the group need not divide them (DeepSeek-V3's 128 heads over 6 ranks).
        _ = (On(AttentionLayout.DataParallel) with { TensorParallel = 6 }).Validated();
        Assert.Throws<ArgumentException>(() => (On(AttentionLayout.TensorParallel) with { TensorParallel = 6 }).Validated());
    }
}
