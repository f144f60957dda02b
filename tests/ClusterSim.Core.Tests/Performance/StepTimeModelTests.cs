using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Performance;

/// <summary>Each term of the step-time model on its own, against its closed form.</summary>
public class StepTimeModelTests
{
    private static readonly EfficiencyFactors Factors = new()
    {
        Compute = 0.7, GemmHalfTokens = 64, Memory = 0.8, Attention = 0.5, KvRead = 0.6, Link = 0.5,
        CollectiveLatencySeconds = 10e-6, IterationOverheadSeconds = 1e-3, SequenceOverheadSeconds = 5e-6, RequestOverheadSeconds = 0.02,
    };

    private static StepTimeModel Model(string model, int tp, Precision weights = Precision.BF16) => new(new ServingDeployment
    {
        Model = SimCatalog.Default.Models.Get(model),
        Accelerator = SimCatalog.Default.Hardware.Get("H100-SXM"),
        TensorParallel = tp,
        Weights = weights,
        KvCache = Precision.BF16,
        Efficiency = Factors,
    });

    private static readonly AcceleratorSpec H100 = SimCatalog.Default.Hardware.Get("H100-SXM");

    [Fact]
    public void Batch_one_decode_streams_the_weights_once()
    {
        StepTimeModel m = Model("llama-3.1-8b", 1);
        ModelSpec spec = m.Deployment.Model;
        double weights = (spec.TotalParameters - ((double)spec.Vocab * spec.Hidden)) * 2;   // the input table is a lookup
        IterationTerms t = m.Terms(BatchShape.Decode(1, 100));
        double streaming = weights / (H100.MemoryBytesPerSecond * 0.8);
        Assert.InRange(t.DenseGemm, streaming, streaming * 1.01);   // one token's arithmetic (with the tile waste's 64) adds 0.5 % (the cube blend)
        Assert.False(t.ComputeBound);
    }

    [Fact]
    public void Arithmetic_and_weight_streaming_overlap_imperfectly_near_the_ridge()
    {
        // (c³ + m³)^⅓: the larger alone when the other is small, 2^⅓ of either when they are equal.
        Assert.Equal(1.0, StepTimeModel.Overlapped(1.0, 0), 12);
        Assert.Equal(Math.Cbrt(2), StepTimeModel.Overlapped(1.0, 1.0), 12);
        Assert.Equal(Math.Cbrt(9), StepTimeModel.Overlapped(2.0, 1.0), 12);
        Assert.InRange(StepTimeModel.Overlapped(1.0, 0.5), 1.04, 1.0401);

        // A decode batch near the ridge is slower than max(compute, streaming); batch one and a long prefill are not.
        StepTimeModel m = Model("llama-3.1-8b", 1);
        foreach (int batch in new[] { 128, 256 })
        {
            double plain = m.Terms(BatchShape.Decode(batch, 0)).DenseGemm;
            Assert.True(plain > 1.05 * m.Terms(BatchShape.Decode(1, 0)).DenseGemm, $"batch {batch}");
        }
    }

    [Fact]
    public void A_large_prefill_pays_its_FLOPs_plus_the_tile_waste()
    {
        StepTimeModel m = Model("llama-3.1-8b", 1);
        ModelSpec spec = m.Deployment.Model;
        double head = (double)spec.Vocab * spec.Hidden;
        double body = spec.ActiveParameters - spec.EmbeddingParameters;
        IterationTerms t = m.Terms(new BatchShape(8192, BatchShape.PrefillAttention(8192, 0), 0, 1));
        double expected = ((2 * body * (8192 + 64)) + (2 * head * (1 + 64))) / (H100.PeakFlops(Precision.BF16) * 0.7);
        Assert.InRange(t.DenseGemm, expected, expected * 1.001);   // streaming is a few per cent of the arithmetic here
        Assert.True(t.ComputeBound);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Every_GEMM_kernel_pays_the_kernel_floor_whatever_the_tensor_parallel_size(int tp)
    {
        // Llama 3.1 8B: 32 layers of four projections and the LM head, 129 kernels; splitting them over accelerators
        // shrinks each one but leaves the count, so the floor is the same at TP 1 and TP 4.
        EfficiencyFactors withFloor = Factors with { GemmKernelSeconds = 5e-6 };
        StepTimeModel without = Model("llama-3.1-8b", tp);
        var with = new StepTimeModel(without.Deployment with { Efficiency = withFloor });
        foreach (BatchShape shape in new[] { BatchShape.Decode(1, 100), new BatchShape(8192, BatchShape.PrefillAttention(8192, 0), 0, 1) })
        {
            IterationTerms a = without.Terms(shape), b = with.Terms(shape);
            Assert.Equal(129 * 5e-6, b.DenseGemm - a.DenseGemm, 12);
            Assert.Equal(a.Attention + a.Collectives + a.Overhead, b.Attention + b.Collectives + b.Overhead, 12);
            Assert.Equal(a.ComputeBound, b.ComputeBound);
        }

        // No iteration is shorter than the floor the event loop relies on, and the kernel floor is part of it.
        Assert.Equal(129 * 5e-6 * 1e9, with.IterationFloorNanos - without.IterationFloorNanos, 1.0);
        Assert.True(with.Iteration(BatchShape.Decode(1, 1)).Nanos >= with.IterationFloorNanos);
    }

    [Fact]
    public void An_MoE_layer_pays_the_floor_for_its_router_and_two_grouped_expert_GEMMs_too()
    {
        // Mixtral 8x7B: 32 layers, all MoE; 4 x 32 + 1 dense kernels and 3 x 32 expert kernels.
        StepTimeModel without = Model("mixtral-8x7b", 2, Precision.FP8);
        var with = new StepTimeModel(without.Deployment with { Efficiency = Factors with { GemmKernelSeconds = 5e-6 } });
        BatchShape shape = BatchShape.Decode(16, 16 * 1000.0);
        IterationTerms a = without.Terms(shape), b = with.Terms(shape);
        Assert.Equal(129 * 5e-6, b.DenseGemm - a.DenseGemm, 12);
        Assert.Equal(96 * 5e-6, b.ExpertGemm - a.ExpertGemm, 12);
    }

    [Fact]
    public void Decode_attention_is_bound_by_KV_reads_and_prefill_attention_by_FLOPs()
    {
        StepTimeModel m = Model("llama-2-7b", 1);
        ModelSpec spec = m.Deployment.Model;
        IterationTerms decode = m.Terms(BatchShape.Decode(64, 64 * 2000.0));
        Assert.Equal(spec.KvBytesPerToken(Precision.BF16) * 64 * 2000 / (H100.MemoryBytesPerSecond * 0.6), decode.Attention, 9);

        double work = BatchShape.PrefillAttention(8000, 0);
        IterationTerms prefill = m.Terms(new BatchShape(8000, work, 0, 1));
        Assert.Equal(spec.AttentionFlopsPerContextToken * work / (H100.PeakFlops(Precision.BF16) * 0.5), prefill.Attention, 9);
    }

    [Fact]
    public void Tensor_parallel_pays_two_ring_all_reduces_per_layer_and_one_GPU_none()
    {
        Assert.Equal(0, Model("llama-3.1-70b", 1, Precision.FP8).Terms(BatchShape.Decode(8, 8000)).Collectives);

        StepTimeModel m = Model("llama-3.1-70b", 4);
        ModelSpec spec = m.Deployment.Model;
        IterationTerms t = m.Terms(new BatchShape(1000, BatchShape.PrefillAttention(1000, 0), 0, 1));
        double perToken = 2.0 * spec.Layers * (2.0 * 3 / 4) * spec.Hidden * 2 / (H100.ScaleUpGBps!.Value * 1e9 * 0.5);
        Assert.Equal((2.0 * spec.Layers * 2 * 3 * 10e-6) + (perToken * 1000), t.Collectives, 12);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(8)]
    public void A_collectives_launch_is_paid_once_an_all_reduce_whatever_the_group(int tp)
    {
        // collective_launch_us: the custom all-reduce kernel's launch and barrier, beside the ring's steps; none on one GPU.
        StepTimeModel plain = Model("llama-3.1-70b", tp, Precision.FP8);
        var launched = new StepTimeModel(plain.Deployment with { Efficiency = Factors with { CollectiveLaunchSeconds = 20e-6 } });
        BatchShape shape = BatchShape.Decode(16, 16 * 2000);

        double added = launched.Terms(shape).Collectives - plain.Terms(shape).Collectives;
        Assert.Equal(2.0 * plain.Deployment.Model.Layers * 20e-6, added, 12);
        Assert.Equal(0, new StepTimeModel(Model("llama-3.1-70b", 1, Precision.FP8).Deployment with { Efficiency = Factors with { CollectiveLaunchSeconds = 20e-6 } }).Terms(shape).Collectives);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    public void An_all_reduce_waits_out_two_latency_steps_per_peer(int tp)
    {
        // A ring all-reduce over n GPUs takes 2(n−1) steps of latency (Collective.AllReduce); a one-token step sends
        // almost nothing, so its collectives are that latency for each of the 2 all-reduces a layer.
        StepTimeModel m = Model("llama-3.1-70b", tp);
        ModelSpec spec = m.Deployment.Model;
        double oneToken = m.Terms(BatchShape.Decode(1, 100)).Collectives;
        double data = 2.0 * spec.Layers * (2.0 * (tp - 1) / tp) * spec.Hidden * 2 / (H100.ScaleUpGBps!.Value * 1e9 * 0.5);
        Assert.Equal(2.0 * spec.Layers * Collective.AllReduce(CollectiveAlgorithm.Ring, 0, tp, 1, 10e-6), oneToken - data, 12);
        Assert.Equal(2.0 * spec.Layers * 2 * (tp - 1) * 10e-6, oneToken - data, 12);
    }

    [Fact]
    public void Overhead_is_per_step_and_per_sequence()
    {
        IterationTerms t = Model("llama-3.1-8b", 1).Terms(BatchShape.Decode(100, 100 * 500.0));
        Assert.Equal(1e-3 + (100 * 5e-6), t.Overhead, 12);
        Assert.Equal(20_000_000, Model("llama-3.1-8b", 1).RequestOverheadNanos);
    }

    [Fact]
    public void A_mixture_of_experts_prefill_is_slower_than_a_dense_model_of_its_active_size()
    {
        // Each touched expert's GEMM sees only its share of the tokens, and all touched experts' weights are read.
        StepTimeModel m = Model("mixtral-8x7b", 2);
        var prefill = new BatchShape(2048, BatchShape.PrefillAttention(2048, 0), 0, 1);
        Assert.True(m.Iteration(prefill).Nanos > m.DenseEquivalentNanos(prefill));
        Assert.True(m.Terms(prefill).ExpertGemm > 0);
        Assert.Equal(8, m.ExpectedExpertsTouched(2048), 6);
    }

    [Fact]
    public void The_terms_add_up_to_the_iteration()
    {
        StepTimeModel m = Model("llama-3.1-70b", 4);
        var shape = new BatchShape(600, 600 * 1500.0, 600 * 1500.0, 40);
        IterationTerms t = m.Terms(shape);
        Assert.Equal((long)Math.Ceiling((t.DenseGemm + t.ExpertGemm + t.Attention + t.Collectives + t.Overhead) * 1e9), m.Iteration(shape).Nanos);
    }

    [Theory]
    [InlineData("llama-3.1-8b", 1)]
    [InlineData("llama-2-70b", 2)]
    [InlineData("mixtral-8x7b", 2)]
    public void No_iteration_is_shorter_than_the_floor(string model, int tp)
    {
        // Macro-steps skip timing when the next arrival comes within the floor; it must bound every shape from below.
        StepTimeModel m = Model(model, tp);
        Assert.True(m.IterationFloorNanos > 0);
        var random = new Random(9);
        long shortest = long.MaxValue;
        for (int i = 0; i < 20_000; i++)
        {
            int sequences = random.Next(1, 256);
            int prefill = random.Next(0, 3) == 0 ? random.Next(1, 8192) : 0;
            double context = random.NextDouble() * sequences * 4096;
            var shape = new BatchShape(sequences + prefill, context + BatchShape.PrefillAttention(prefill, 0), context, sequences);
            shortest = Math.Min(shortest, m.Iteration(shape).Nanos);
        }

        shortest = Math.Min(shortest, m.DecodeNanos(1, 0));
        Assert.InRange(m.IterationFloorNanos, shortest * 0.25, shortest);   // a bound, and not a vacuous one (MoE: the dense part only)
    }

    [Theory]
    [InlineData("llama-3.1-8b", 1)]
    [InlineData("llama-2-70b", 2)]
    [InlineData("mixtral-8x7b", 2)]
    [InlineData("gemma-3-27b", 2)]   // sliding-window layers
    [InlineData("gpt-oss-20b", 1)]   // and an MoE with them
    [InlineData("qwen3.5-397b-a17b", 8, Precision.FP8)]   // Gated DeltaNet layers' recurrence
    [InlineData("nemotron-3-nano-30b-a3b", 1)]            // Mamba-2's
    [InlineData("deepseek-v3.2", 8, Precision.INT4)]      // sparse attention and its indexer
    public void A_decode_run_times_each_iteration_as_the_full_model_does_one_or_four_at_a_time(string model, int tp, Precision weights = Precision.BF16)
    {
        StepTimeModel m = Model(model, tp, weights);
        var random = new Random(21);
        for (int i = 0; i < 5_000; i++)
        {
            int sequences = random.Next(1, 256);
            // Far past any real batch; one draw in five past 2⁵³, where doubles round the contexts (the vector pass then
            // converts each sum as the scalar model does).
            long context = i % 5 == 4 ? random.NextInt64(1L << 53, 1L << 60) : random.NextInt64(0, 1L << 40);
            DecodeStretchAssert.MatchesSteps(m, sequences, context);
            Assert.Equal(m.Iteration(BatchShape.Decode(sequences, context)).ComputeBound, m.DecodeRun(sequences).ComputeBound);
        }
    }

    [Fact]
    public void Sliding_window_layers_read_at_most_their_window()
    {
        // Gemma 3 27B: 52 of 62 layers attend over 1,024 tokens. The same network with every layer global is the reference.
        ModelSpec gemma = SimCatalog.Default.Models.Get("gemma-3-27b");
        StepTimeModel windowed = Model("gemma-3-27b", 1);
        StepTimeModel global = new(windowed.Deployment with { Model = gemma with { SlidingWindow = 0, FullAttentionLayers = 0 } });

        // Within the window every layer reads the whole context: the same time to the bit.
        BatchShape within = BatchShape.Decode(16, 16 * 900);
        Assert.Equal(global.Terms(within).Attention, windowed.Terms(within).Attention);

        // Past it, the local layers read 1,024 tokens a sequence: 10/62 of the full read plus 52/62 of 1,024 a sequence.
        BatchShape past = BatchShape.Decode(16, 16 * 8192);
        double full = global.Terms(past).Attention;
        Assert.Equal(full * ((10.0 / 62) + (52.0 / 62 * 1024 / 8192)), windowed.Terms(past).Attention, full * 1e-12);

        // A prompt chunk: its tokens attend at most the window in the local layers too, and the bound never undercounts.
        var prefill = new BatchShape(NewTokens: 4096, AttentionContext: BatchShape.PrefillAttention(4096, 0), KvTokensRead: 0, Sequences: 1);
        double globalPrefill = global.Terms(prefill).Attention, windowedPrefill = windowed.Terms(prefill).Attention;
        double exactLocal = Enumerable.Range(1, 4096).Sum(p => (double)Math.Min(p, 1024)) / BatchShape.PrefillAttention(4096, 0);
        Assert.InRange(windowedPrefill, globalPrefill * ((10.0 / 62) + (52.0 / 62 * exactLocal)) * (1 - 1e-12), globalPrefill);
        Assert.True(windowedPrefill < globalPrefill * 0.9, $"{windowedPrefill} against {globalPrefill}");
    }

    [Fact]
    public void Sliding_window_layers_hold_at_most_their_window_of_KV()
    {
        // Gemma 3 27B: 10 full-attention layers grow with the context; 52 hold the last 1,024 tokens, taken at admission.
        ServingDeployment gemma = SimCatalog.Default.Deployment("gemma-3-27b", "H100-SXM", weights: Precision.FP8);
        double perToken = gemma.Model.KvBytesPerToken(gemma.KvCache);
        Assert.Equal(perToken * 10 / 62 * 16, gemma.KvBlockBytes, 6);
        Assert.Equal(333, gemma.HeldBlocks(8448));   // ⌈1,024 × 52 / (16 × 10)⌉
        Assert.Equal(163, gemma.HeldBlocks(500));    // a short sequence holds only its own tokens
        Assert.Equal(0, SimCatalog.Default.Deployment("llama-3.1-8b", "H100-SXM").HeldBlocks(8448));

        // Sequences of 8,448 tokens that fit: about 3.8 times as many as if every layer held the whole context.
        ServingDeployment global = gemma with { Model = gemma.Model with { SlidingWindow = 0, FullAttentionLayers = 0 } };
        double windowed = gemma.KvBlocks / (double)(Math.Ceiling(8448 / 16.0) + gemma.HeldBlocks(8448));
        double whole = global.KvBlocks / Math.Ceiling(8448 / 16.0);
        Assert.InRange(windowed / whole, 3.7, 3.9);
    }

    [Fact]
    public void Remembered_GEMM_terms_are_the_ones_computed_fresh_whatever_shapes_came_between()
    {
        // The dense GEMM term is kept by shape in a small table: two thousand random shapes (many sharing table slots)
        // timed in turn on one model, then each again, give every term of a fresh model's first computation to the bit.
        ServingDeployment llama = SimCatalog.Default.Deployment("llama-3.1-70b", "H100-SXM", tensorParallel: 4);
        var shared = new StepTimeModel(llama);
        var random = new Random(5);
        var shapes = Enumerable.Range(0, 2000)
            .Select(_ => new BatchShape(random.Next(1, 9000), random.Next(0, 2_000_000), random.Next(0, 2_000_000), random.Next(1, 300)))
            .ToList();

        // And pairs with the same tokens whose sequence counts differ by the table's size: the same slot, another term.
        shapes.AddRange(Enumerable.Range(1, 50).SelectMany(t => new[] { new BatchShape(400 + t, 1e5, 1e5, t), new BatchShape(400 + t, 1e5, 1e5, t + 256) }));
        foreach (BatchShape shape in shapes.Concat(shapes.AsEnumerable().Reverse()))
        {
            Assert.Equal(new StepTimeModel(llama).Terms(shape), shared.Terms(shape));
        }
    }
}
