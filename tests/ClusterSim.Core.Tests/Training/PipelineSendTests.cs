using ClusterSim.Core.Catalog;
using ClusterSim.Core.Training;

namespace ClusterSim.Core.Tests.Training;

public class PipelineSendTests
{
    private const double Up = 900e9, Out = 50e9;

    [Theory]
    [InlineData(4, 1, 2, 8, 1.0)]       // Llama 3 70B on 64 H100 (TP 4 × DP 2): stages 8 ranks apart, every boundary between nodes
    [InlineData(1, 1, 4, 8, 0.5)]       // Llama 2 13B on 16 H100 (DP 4): half the boundaries inside a node
    [InlineData(4, 1, 4, 72, 16.0 / 72)] // Llama 3.1 405B on 256 GB200 (TP 4 × DP 4): a fifth of them leave the NVL72
    [InlineData(8, 2, 8, 8, 1.0)]       // a stride past the domain: all on the network
    public void A_send_crosses_the_network_where_neighbouring_stages_sit_in_different_domains(int tp, int cp, int dp, int domain, double crossing)
    {
        var plan = new ParallelismPlan { TensorParallel = tp, ContextParallel = cp, DataParallel = dp, PipelineParallel = 4 };
        double expected = 1e8 * ((crossing / Out) + ((1 - crossing) / Up));
        Assert.Equal(expected, TrainingStepModel.PipelineSendSeconds(1e8, plan, domain, Up, Out), 12);
    }

    [Fact]
    public void An_NVL72_pipeline_spends_less_on_its_sends_than_the_same_plan_across_HGX_nodes()
    {
        TrainingJob OnChip(string chip) => TrainingJobs.Llama8B() with
        {
            Model = SimCatalog.Default.Models.Get("llama-3.1-405b"),
            Accelerator = SimCatalog.Default.Hardware.Get(chip),
            Precision = Precision.FP8,
            Plan = new ParallelismPlan { TensorParallel = 4, PipelineParallel = 16, DataParallel = 4, Schedule = PipelineSchedule.Interleaved, InterleavedChunks = 4 },
            GlobalBatchTokens = 1536 * 8192,
        };
        double nvl72 = TrainingStepModel.Step(OnChip("GB200")).PipelineTransferSeconds;
        double hgx = TrainingStepModel.Step(OnChip("B200")).PipelineTransferSeconds;
        Assert.True(nvl72 < 0.5 * hgx, $"NVL72 {nvl72:G3} s against HGX {hgx:G3} s");
    }
}
