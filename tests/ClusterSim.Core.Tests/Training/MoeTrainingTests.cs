using ClusterSim.Core.Catalog;
using ClusterSim.Core.Moe;
using ClusterSim.Core.Training;

namespace ClusterSim.Core.Tests.Training;

public class MoeTrainingTests
{
    private static TrainingJob Mixtral(MoeRoutingOptions? routing) => new()
    {
        Model = SimCatalog.Default.Models.Get("mixtral-8x7b"),
        Accelerator = SimCatalog.Default.Hardware.Get("H100-SXM"),
        Plan = new ParallelismPlan { TensorParallel = 2, PipelineParallel = 1, DataParallel = 64, ExpertParallel = 8, ZeroStage = 1, Recompute = RecomputeKind.Full },
        Tokens = 1e11,
        GlobalBatchTokens = 512 * 4096,
        SequenceLength = 4096,
        Efficiency = TrainingCalibrations.For(SimCatalog.Default.Hardware.Get("H100-SXM"), Precision.BF16).Efficiency,
        ExpertRouting = routing,
    };

    [Fact]
    public void Skewed_experts_stretch_the_step_and_balanced_ones_barely_do()
    {
        double ideal = TrainingStepModel.Step(Mixtral(null)).StepSeconds;
        double uniform = TrainingStepModel.Step(Mixtral(new MoeRoutingOptions())).StepSeconds;
        double skewed = TrainingStepModel.Step(Mixtral(new MoeRoutingOptions { Popularity = ExpertPopularity.Zipf, ZipfExponent = 1.5 })).StepSeconds;

        Assert.InRange(uniform / ideal, 1.0, 1.03);   // 8k tokens over 8 experts: nearly even
        Assert.True(skewed > uniform * 1.2, $"skewed {skewed:0.00} s vs uniform {uniform:0.00} s");
        Assert.True(TrainingStepModel.Step(Mixtral(null)).ExpertParallelSeconds > 0, "expert parallelism pays its all-to-alls");
    }

    [Fact]
    public void Slower_routed_experts_stretch_only_their_share_of_the_compute()
    {
        TrainingJob job = Mixtral(null);
        StepBreakdown dense = TrainingStepModel.Step(job);
        StepBreakdown half = TrainingStepModel.Step(job with { Efficiency = job.Efficiency with { ExpertMatmul = 0.5 } });

        // Top-2 of 8 experts of 14,336 over 32 layers: their matmuls are most of Mixtral's forward work, but not all of it.
        ModelSpec m = job.Model;
        double forward = m.ForwardFlopsPerToken + (m.AttentionFlopsPerContextToken * job.SequenceLength);
        double routed = 2.0 * m.TopK * m.ExpertParameters * m.MoELayers / forward;
        Assert.InRange(routed, 0.5, 0.95);
        Assert.Equal(1 + routed, half.ComputeSeconds / dense.ComputeSeconds, 6);   // the routed share takes twice as long

        // A dense model has no routed experts: the factor changes nothing.
        TrainingJob llama = job with { Model = SimCatalog.Default.Models.Get("llama-3.1-8b"), Plan = job.Plan with { ExpertParallel = 1 } };
        Assert.Equal(TrainingStepModel.Step(llama).StepSeconds, TrainingStepModel.Step(llama with { Efficiency = llama.Efficiency with { ExpertMatmul = 0.5 } }).StepSeconds);
    }

    /// <summary>Qwen3 235B-A22B on 256 H100 as Megatron-Bridge's recipe splits it: TP 2, PP 8, EP 32 over the 32 ranks of a stage.</summary>
    private static TrainingJob Qwen235(int expertTensor) => new()
    {
        Model = SimCatalog.Default.Models.Get("qwen3-235b-a22b"),
        Accelerator = SimCatalog.Default.Hardware.Get("H100-SXM"),
        Plan = new ParallelismPlan
        {
            TensorParallel = 2, PipelineParallel = 8, DataParallel = 16, ExpertParallel = 32, ExpertTensorParallel = expertTensor,
            ZeroStage = 1, Recompute = RecomputeKind.None, Schedule = PipelineSchedule.Interleaved, InterleavedChunks = 4,
        },
        Tokens = 1e11,
        GlobalBatchTokens = 8192 * 4096,
        SequenceLength = 4096,
        Efficiency = TrainingCalibrations.For(SimCatalog.Default.Hardware.Get("H100-SXM"), Precision.FP8, Fp8Scaling.Tensor).Efficiency,
        Precision = Precision.FP8,
    };

    [Fact]
    public void Folding_the_expert_grid_lets_expert_parallelism_span_tensor_parallel_ranks()
    {
        // Unfolded, the experts are split like the dense layers and EP must divide DP: 32 does not divide 16.
        var refused = Assert.Throws<ArgumentException>(() => Qwen235(0).Validated());
        Assert.Contains("expert_tensor", refused.Message, StringComparison.Ordinal);

        // Folded with one expert-tensor rank, EP 32 covers TP 2 × DP 16: each rank owns 4 whole experts of 128 in each of
        // its 94 / 8 layers, and the ranks holding the same experts are the stage's 32 / 32 = 1.
        TrainingJob folded = Qwen235(1).Validated();
        ModelSpec m = folded.Model;
        Assert.Equal(1, folded.Plan.ExpertGradientRanks);
        Assert.Equal(m.RoutedExpertParameters / (8.0 * 32), TrainingMemory.ExpertParametersPerAccelerator(folded), 6);
        Assert.Equal((m.TotalParameters - m.RoutedExpertParameters) / (2.0 * 8), TrainingMemory.DenseParametersPerAccelerator(folded), 6);
        Assert.Equal("TP 2 × PP 8 × DP 16 (EP 32, ETP 1)", folded.Plan.ToString());

        // The folded group spans 32 accelerators, four HGX nodes: its all-to-all crosses the network.
        Assert.True(TrainingStepModel.Step(folded).ExpertParallelSeconds > TrainingStepModel.Step(folded).ComputeSeconds);

        // A grid that does not divide the stage is refused, saying what must divide what.
        var uneven = Assert.Throws<ArgumentException>(() => (Qwen235(3) with { Plan = Qwen235(3).Plan with { ExpertParallel = 16 } }).Validated());
        Assert.Contains("must divide a stage's tensor × context × data = 32 ranks", uneven.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Expert_optimizer_states_shard_over_the_ranks_that_hold_the_same_experts()
    {
        // Mixtral at TP 2, DP 64, EP 8: the dense layers' states shard over 64 data-parallel ranks, the experts' over the
        // 64 / 8 = 8 ranks that hold the same experts (Megatron's distributed optimizer over the expert-data-parallel group).
        TrainingJob job = Mixtral(null) with { Plan = Mixtral(null).Plan with { Recompute = RecomputeKind.None } };
        double dense = TrainingMemory.DenseParametersPerAccelerator(job), experts = TrainingMemory.ExpertParametersPerAccelerator(job);
        Assert.Equal(8, job.Plan.ExpertGradientRanks);
        TrainingMemory memory = TrainingMemory.Of(job);
        Assert.Equal(12 * ((dense / 64) + (experts / 8)), memory.OptimizerBytes, 6);
        Assert.Equal(2 * (dense + experts), memory.WeightBytes, 6);

        // ZeRO-3 shards the weights the same two ways.
        TrainingMemory zero3 = TrainingMemory.Of(job with { Plan = job.Plan with { ZeroStage = 3 } });
        Assert.Equal(2 * ((dense / 64) + (experts / 8)), zero3.WeightBytes, 6);
    }

    [Theory]
    [InlineData(8, 4, 0, 2.6997)]   // eight experts over four domains: 3 × (1 − (3/4)^8) other domains, where a copy each sends 6
    [InlineData(8, 2, 0, 0.9961)]   // two domains: almost every token reaches the other one, once
    [InlineData(8, 8, 4, 3.5)]      // node-limited to 4 of 8 domains: at most 4 × 7/8 others
    [InlineData(8, 1, 0, 0)]        // one domain: nothing crosses the network
    public void A_per_domain_dispatcher_sends_a_token_once_to_each_other_domain_it_needs(int topK, int domains, int nodeLimit, double expected) =>
        Assert.Equal(expected, TrainingStepModel.RemoteDomainsPerToken(topK, domains, nodeLimit), 4);

    [Fact]
    public void Per_domain_dispatch_shortens_the_all_to_all_only_where_it_crosses_the_network()
    {
        // Across four HGX nodes (EP 32) the network carries 2.70 copies a token instead of 6; every copy for another GPU now
        // crosses NVLink (7.75, the forwarded ones with them) beside it, the shorter of the two: the all-to-all takes about
        // 2.70 / 6 of the time, a little more for the per-peer latencies it keeps.
        TrainingJob across = Qwen235(1);
        StepBreakdown perCopy = TrainingStepModel.Step(across);
        StepBreakdown perDomain = TrainingStepModel.Step(across with { Plan = across.Plan with { ExpertDispatch = DispatchGranularity.PerDomain } });
        Assert.InRange(perDomain.ExpertParallelSeconds / perCopy.ExpertParallelSeconds, 0.45, 0.56);
        Assert.Equal(perCopy.ComputeSeconds, perDomain.ComputeSeconds);

        TrainingJob inside = Mixtral(null);   // EP 8 at TP 2: 16 GPUs, but the model's 8 experts over 2 HGX nodes
        TrainingJob oneDomain = inside with { Plan = inside.Plan with { TensorParallel = 1, DataParallel = 128, ExpertParallel = 8 } };
        Assert.Equal(
            TrainingStepModel.Step(oneDomain).ExpertParallelSeconds,
            TrainingStepModel.Step(oneDomain with { Plan = oneDomain.Plan with { ExpertDispatch = DispatchGranularity.PerDomain } }).ExpertParallelSeconds);
    }
}
