using ClusterSim.Core.Catalog;
using ClusterSim.Core.Training;

namespace ClusterSim.Core.Tests.Training;

public class TrainingMemoryTests
{
    [Theory]
    [InlineData(true, 7.0 / 8)]                  // sequence parallel: 7·h of the GEMM inputs, split over TP 8
    [InlineData(false, 2.0 + (5.0 / 8))]         // without it: 2·h off the replicated inputs, 5·h off the split ones
    public void Fp8_linear_layers_hold_their_saved_inputs_at_half_width(bool sequenceParallel, double savedPerHidden)
    {
        TrainingJob bf16 = TrainingJobs.Llama8B() with { Plan = TrainingJobs.Llama8B().Plan with { SequenceParallel = sequenceParallel, Recompute = RecomputeKind.None } };
        TrainingJob fp8 = bf16 with { Precision = Precision.FP8 };
        double tokensPerMicroBatch = bf16.SequenceLength * (double)bf16.Plan.MicroBatchSize;
        double expected = savedPerHidden * bf16.Model.Hidden * tokensPerMicroBatch * bf16.Model.Layers;   // one micro-batch in flight (PP 1)

        Assert.Equal(expected, TrainingMemory.Of(bf16).ActivationBytes - TrainingMemory.Of(fp8).ActivationBytes, 6);
        Assert.Equal(0, TrainingMemory.Fp8HeldSavingPerTokenLayer(bf16));
        Assert.Equal(0, TrainingMemory.Fp8HeldSavingPerTokenLayer(fp8 with { Precision = Precision.INT4 }));
    }

    [Fact]
    public void The_held_copies_change_memory_not_the_step()
    {
        // The element-wise traffic is still counted at BF16: only what stays resident shrinks.
        TrainingJob fp8 = TrainingJobs.Llama8B() with { Precision = Precision.FP8 };
        TrainingJob smaller = fp8 with { Plan = fp8.Plan with { Recompute = RecomputeKind.Full } };
        Assert.True(TrainingMemory.Of(fp8).ActivationBytes < TrainingMemory.Of(fp8 with { Precision = Precision.BF16 }).ActivationBytes);
        Assert.Equal(TrainingStepModel.Step(fp8).MemoryBoundSeconds, TrainingStepModel.Step(fp8 with { Precision = Precision.BF16 }).MemoryBoundSeconds);
        Assert.Equal(2.0 * fp8.Model.Hidden / 8 * fp8.SequenceLength * fp8.Model.Layers, TrainingMemory.Of(smaller).ActivationBytes, 6);   // full recomputation keeps layer inputs alone
    }

    [Fact]
    public void The_embedding_and_the_loss_may_take_a_pipeline_slot_each()
    {
        // Llama 3.1 405B's 126 layers on 16 stages × 8 virtual ones (Megatron-Bridge's GB200 preset): 128 slots.
        TrainingJob job = TrainingJobs.Llama8B() with
        {
            Model = SimCatalog.Default.Models.Get("llama-3.1-405b"),
            Plan = new ParallelismPlan { TensorParallel = 4, PipelineParallel = 16, DataParallel = 4, Schedule = PipelineSchedule.Interleaved, InterleavedChunks = 8 },
            GlobalBatchTokens = 1536 * 8192,
        };
        _ = job.Validated();
        var e = Assert.Throws<ArgumentException>(() => (job with { Plan = job.Plan with { PipelineParallel = 43, InterleavedChunks = 3 } }).Validated());
        Assert.Contains("exceeds the model's 126 layers and the 2 slots", e.Message, StringComparison.Ordinal);
    }
}
