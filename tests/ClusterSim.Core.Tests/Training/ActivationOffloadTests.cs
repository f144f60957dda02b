using ClusterSim.Core.Catalog;
using ClusterSim.Core.Training;

namespace ClusterSim.Core.Tests.Training;

/// <summary>Activations kept in host memory: the accelerator holds one layer's at a time, and the step's time is unchanged.</summary>
public class ActivationOffloadTests
{
    private static TrainingJob Llama70bOnV6e(bool offload) => new()
    {
        Model = SimCatalog.Default.Models.Get("llama-3.1-70b"),
        Accelerator = SimCatalog.Default.Hardware.Get("TPU-v6e"),
        Plan = new ParallelismPlan { DataParallel = 256, ZeroStage = 3, MicroBatchSize = 4, Recompute = RecomputeKind.Full, OffloadActivations = offload },
        Tokens = 1e9,
        GlobalBatchTokens = 1024 * 8192,
        SequenceLength = 8192,
        Efficiency = TrainingCalibrations.For(SimCatalog.Default.Hardware.Get("TPU-v6e"), Precision.BF16).Efficiency,
    };

    [Fact]
    public void Offloaded_activations_leave_one_layer_on_the_chip()
    {
        TrainingMemory kept = TrainingMemory.Of(Llama70bOnV6e(offload: false));
        TrainingMemory offloaded = TrainingMemory.Of(Llama70bOnV6e(offload: true));

        // Full recomputation keeps each layer's input: 4 × 8,192 tokens × 2 × 8,192 bytes, over 80 layers.
        double perLayer = 4 * 8192 * 2.0 * 8192;
        Assert.Equal(perLayer * 80, kept.ActivationBytes, 0);
        Assert.Equal(perLayer, offloaded.ActivationBytes, 0);
        Assert.False(kept.Fits);                                  // 43 GB of layer inputs on a 32 GiB chip
        Assert.True(offloaded.Fits);
        Assert.Equal(kept.WeightBytes + kept.GradientBytes + kept.OptimizerBytes, offloaded.WeightBytes + offloaded.GradientBytes + offloaded.OptimizerBytes);
        Assert.Contains("activation_offload", Assert.Throws<ArgumentException>(() => kept.EnsureFits()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_copies_are_taken_as_hidden_behind_the_compute() =>
        Assert.Equal(TrainingStepModel.Step(Llama70bOnV6e(offload: false)).StepSeconds, TrainingStepModel.Step(Llama70bOnV6e(offload: true)).StepSeconds);
}
