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
}
