using ClusterSim.Core.Catalog;
using ClusterSim.Core.Training;

namespace ClusterSim.Core.Tests.Training;

/// <summary>Context parallelism, pipeline schedules, expert overlap, low-precision training and multi-token prediction.</summary>
public class ParallelismReachTests
{
    private static TrainingJob Pipelined(PipelineSchedule schedule) => TrainingJobs.Llama8B() with
    {
        Plan = new ParallelismPlan { TensorParallel = 8, PipelineParallel = 4, DataParallel = 4, Schedule = schedule },
    };

    private static double Bubble(StepBreakdown s) => s.PipelineBubbleSeconds / (s.ComputeSeconds + s.MemoryBoundSeconds + s.TensorParallelSeconds);

    [Fact]
    public void Zero_bubble_leaves_a_third_and_DualPipe_a_sixth_of_the_one_forward_one_backward_bubble()
    {
        TrainingJob job = Pipelined(PipelineSchedule.OneForwardOneBackward);
        double m = job.MicroBatches;
        Assert.Equal(3 / m, Bubble(TrainingStepModel.Step(job)), 1e-9);
        Assert.Equal(1 / m, Bubble(TrainingStepModel.Step(Pipelined(PipelineSchedule.ZeroBubble))), 1e-9);
        Assert.Equal(1 / (3 * m), Bubble(TrainingStepModel.Step(Pipelined(PipelineSchedule.DualPipe))), 1e-9);
    }

    [Fact]
    public void DualPipe_holds_two_copies_of_the_parameters_and_needs_an_even_pipeline()
    {
        TrainingMemory oneF = TrainingMemory.Of(Pipelined(PipelineSchedule.OneForwardOneBackward));
        TrainingMemory dual = TrainingMemory.Of(Pipelined(PipelineSchedule.DualPipe));
        Assert.Equal(2 * oneF.WeightBytes, dual.WeightBytes, 1e-6);
        Assert.Equal(2 * oneF.OptimizerBytes, dual.OptimizerBytes, 1e-6);

        TrainingJob odd = TrainingJobs.Llama8B() with { Plan = new ParallelismPlan { TensorParallel = 8, PipelineParallel = 4, DataParallel = 4, Schedule = PipelineSchedule.DualPipe } with { PipelineParallel = 2 } };
        Assert.NotNull(odd.Validated());
        var three = odd with { Plan = odd.Plan with { PipelineParallel = 1 } };
        Assert.Contains("even pipeline_parallel", Assert.Throws<ArgumentException>(() => three.Validated()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Context_parallelism_splits_activations_and_exchanges_keys_and_values()
    {
        TrainingJob job = TrainingJobs.Llama8B(dp: 8) with { SequenceLength = 131072, GlobalBatchTokens = 16 * 131072.0 };
        TrainingJob cp = job with { Plan = job.Plan with { ContextParallel = 2, DataParallel = 4 } };
        Assert.Equal(job.Plan.Accelerators, cp.Plan.Accelerators);

        // Same accelerators, same work: activations per accelerator halve, compute per step is unchanged.
        Assert.Equal(TrainingMemory.Of(job).ActivationBytes / 2, TrainingMemory.Of(cp).ActivationBytes, 1e-6);
        StepBreakdown a = TrainingStepModel.Step(job), b = TrainingStepModel.Step(cp);
        Assert.Equal(a.ComputeSeconds, b.ComputeSeconds, 1e-9);

        // Across nodes the K/V ring is slower than the attention it hides behind at this length only when the link is slow.
        Assert.True(b.ContextParallelSeconds >= 0);
        TrainingJob slow = cp with { Plan = cp.Plan with { ContextParallel = 16, DataParallel = 1, TensorParallel = 8 }, GlobalBatchTokens = 2 * 131072.0 };
        Assert.True(TrainingStepModel.Step(slow).ContextParallelSeconds >= 0);
        Assert.Throws<ArgumentException>(() => (job with { Plan = job.Plan with { ContextParallel = 3 } }).Validated());
    }

    [Fact]
    public void Expert_overlap_hides_the_all_to_all_up_to_the_compute_there_is()
    {
        TrainingJob moe = MoeJob(overlap: 0);
        StepBreakdown exposed = TrainingStepModel.Step(moe);
        StepBreakdown half = TrainingStepModel.Step(MoeJob(overlap: 0.5));
        StepBreakdown hidden = TrainingStepModel.Step(MoeJob(overlap: 1));
        Assert.True(exposed.ExpertParallelSeconds > 0);
        Assert.Equal(exposed.ExpertParallelSeconds / 2, half.ExpertParallelSeconds, exposed.ExpertParallelSeconds * 1e-9);
        Assert.Equal(Math.Max(0, exposed.ExpertParallelSeconds - (exposed.ComputeSeconds + exposed.MemoryBoundSeconds)), hidden.ExpertParallelSeconds, 1e-9);
    }

    [Fact]
    public void Fp8_speeds_the_linear_layers_only_and_is_refused_without_fp8_units()
    {
        TrainingJob bf16 = TrainingJobs.Llama8B();
        StepBreakdown a = TrainingStepModel.Step(bf16);
        StepBreakdown b = TrainingStepModel.Step(bf16 with { Precision = Precision.FP8 });

        // Attention scores and the output head stay at the BF16 rate, so the compute gain is below the 2× of the peaks.
        double gain = a.ComputeSeconds / b.ComputeSeconds;
        Assert.InRange(gain, 1.4, 1.99);
        var a100 = bf16 with { Accelerator = SimCatalog.Default.Hardware.Get("A100-80GB"), Precision = Precision.FP8 };
        Assert.Throws<ArgumentException>(() => a100.Validated());
        Assert.Contains("no FP4 units", Assert.Throws<ArgumentException>(() => (bf16 with { Precision = Precision.INT4 }).Validated()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_multi_token_prediction_module_adds_one_layer_a_projection_and_the_head()
    {
        TrainingJob job = MoeJob(overlap: 1);
        StepBreakdown without = TrainingStepModel.Step(job);
        StepBreakdown with = TrainingStepModel.Step(job with { MultiTokenPredictionDepth = 1 });
        ModelSpec m = job.Model;
        double head = 2.0 * m.Vocab * m.Hidden;
        double layer = ((m.ForwardFlopsPerToken - head) / m.Layers) + (m.AttentionFlopsPerContextToken * job.SequenceLength / m.Layers);
        double expected = 3 * (layer + (4.0 * m.Hidden * m.Hidden) + head) * without.Tokens;
        Assert.Equal(expected, with.ModelFlops - without.ModelFlops, expected * 1e-9);
    }

    [Fact]
    public void An_expert_group_inside_an_NVL72_domain_stays_on_NVLink_where_an_HGX_board_sends_it_over_the_network()
    {
        // The same links per GPU (1,800 GB/s NVLink, 50 GB/s network), different scale-up domains from the catalog: 72 (GB200 NVL72) against 8 (HGX B200).
        TrainingJob Job(string chip) => MoeJob(overlap: 0) with
        {
            Accelerator = SimCatalog.Default.Hardware.Get(chip),
            Plan = new ParallelismPlan { PipelineParallel = 16, DataParallel = 128, ExpertParallel = 64, Schedule = PipelineSchedule.DualPipe },
        };
        StepBreakdown nvl72 = TrainingStepModel.Step(Job("GB200")), hgx = TrainingStepModel.Step(Job("B200"));
        Assert.Equal(72, SimCatalog.Default.Hardware.Get("GB200").ScaleUpDomain);
        Assert.True(nvl72.ExpertParallelSeconds < hgx.ExpertParallelSeconds / 5, $"NVL72 {nvl72.ExpertParallelSeconds:0.00} s against HGX {hgx.ExpertParallelSeconds:0.00} s");
    }

    private static TrainingJob MoeJob(double overlap) => new()
    {
        Model = SimCatalog.Default.Models.Get("deepseek-v3"),
        Accelerator = SimCatalog.Default.Hardware.Get("H800"),
        Plan = new ParallelismPlan { PipelineParallel = 16, DataParallel = 128, ExpertParallel = 64, ExpertOverlap = overlap, Recompute = RecomputeKind.Selective, Schedule = PipelineSchedule.DualPipe },
        Tokens = 1e10,
        GlobalBatchTokens = 15360 * 4096.0,
        SequenceLength = 4096,
        Precision = Precision.FP8,
    };
}
