using System.Globalization;

namespace ClusterSim.Core.Training;

/// <summary>
/// Bytes one accelerator holds during a step: BF16 weights and gradients plus FP32 master weights and Adam
/// moments (16 bytes per parameter, Rajbhandari et al. 2020) sharded by the ZeRO stage, and the activations
/// of the micro-batches in flight on the first pipeline stage (Korthikanti et al. 2022), or one layer's when they are
/// offloaded to the host (<see cref="ParallelismPlan.OffloadActivations"/>).
/// </summary>
public sealed record TrainingMemory(double WeightBytes, double GradientBytes, double OptimizerBytes, double ActivationBytes, double CapacityBytes)
{
    public double TotalBytes => WeightBytes + GradientBytes + OptimizerBytes + ActivationBytes;
    public bool Fits => TotalBytes <= CapacityBytes;

    /// <summary>The per-accelerator memory of <paramref name="job"/>.</summary>
    public static TrainingMemory Of(TrainingJob job)
    {
        ParallelismPlan p = job.Plan;
        // ZeRO shards the dense layers over the data-parallel ranks and the routed experts over the ranks that hold the
        // same expert slice (the expert-data-parallel group, smaller by the expert-parallel degree).
        double dense = DenseParametersPerAccelerator(job), experts = ExpertParametersPerAccelerator(job);
        int dp = p.ShardGroup(p.GradientRanks), expertDp = p.ShardGroup(p.ExpertGradientRanks);
        double copies = p.Schedule == PipelineSchedule.DualPipe ? 2 : 1;   // DualPipe keeps two copies of each stage's parameters
        double Sharded(int fromStage) => (dense / (p.ZeroStage >= fromStage ? dp : 1)) + (experts / (p.ZeroStage >= fromStage ? expertDp : 1));
        double weights = copies * 2 * Sharded(3);
        double gradients = copies * 2 * Sharded(2);
        double optimizer = copies * 12 * Sharded(1);

        (double linear, double scores) = ActivationBytesPerTokenLayer(job);
        linear -= Fp8HeldSavingPerTokenLayer(job);
        double tokens = job.SequenceLength * (double)p.MicroBatchSize / p.ContextParallel;
        double perLayer = tokens * p.Recompute switch
        {
            RecomputeKind.Full => 2.0 * job.Model.Hidden / p.TensorParallel,
            RecomputeKind.Selective => linear,
            _ => linear + scores,
        };
        double layersPerStage = job.Model.Layers / (double)p.PipelineParallel;
        // Under 1F1B the first stage holds up to p micro-batches; interleaving adds (p−1)/(p·v) of that again.
        double inFlight = p.Schedule == PipelineSchedule.DualPipe ? Math.Min(job.MicroBatches, p.PipelineParallel + 1)
            : Math.Min(job.MicroBatches, p.PipelineParallel) * (p.Chunks > 1 ? 1 + ((p.PipelineParallel - 1.0) / (p.PipelineParallel * p.Chunks)) : 1);
        // Offloaded to the host, they occupy the accelerator one layer of one micro-batch at a time (the layer being computed).
        double activations = p.OffloadActivations ? perLayer : perLayer * layersPerStage * inFlight;
        return new TrainingMemory(weights, gradients, optimizer, activations, job.Accelerator.MemoryBytes);
    }

    /// <summary>
    /// Bytes of activations one token produces in one layer on one accelerator (Korthikanti et al. 2022, BF16): the
    /// linear part (34·h split over the tensor-parallel ranks with sequence parallelism; 10·h of norms and dropout
    /// repeated on every rank without it) and the attention-score part (5·a·s over the ranks; none with a fused kernel).
    /// </summary>
    public static (double Linear, double Scores) ActivationBytesPerTokenLayer(TrainingJob job)
    {
        double h = job.Model.Hidden, t = job.Plan.TensorParallel;
        double linear = job.Plan.SequenceParallel || t == 1 ? 34 * h / t : (10 * h) + (24 * h / t);
        double scores = job.Attention == AttentionKernel.Materialized ? 5.0 * job.Model.Heads * job.SequenceLength / t : 0;
        return (linear, scores);
    }

    /// <summary>
    /// Bytes of <see cref="ActivationBytesPerTokenLayer"/>'s linear part that FP8 linear layers do not hold: they keep the
    /// inputs they saved for the backward pass in FP8 (Transformer Engine keeps the cast copy; DeepSeek-V3 caches them
    /// so), and the four GEMM inputs, 14·h of the 34 (QKV 2, output projection 2, MLP in 2, MLP out 8), take half: 7·h,
    /// of which 2·h comes off the replicated part without sequence parallelism. Held, not moved: the element-wise
    /// traffic is counted at BF16 as before. Zero at other precisions.
    /// </summary>
    public static double Fp8HeldSavingPerTokenLayer(TrainingJob job)
    {
        if (job.Precision != Catalog.Precision.FP8)
        {
            return 0;
        }

        double h = job.Model.Hidden, t = job.Plan.TensorParallel;
        return job.Plan.SequenceParallel || t == 1
            ? Fp8SavedInputs * h / t
            : (Fp8SavedReplicated * h) + ((Fp8SavedInputs - Fp8SavedReplicated) * h / t);
    }

    /// <summary>Bytes·h a token's layer saves when its four GEMM inputs are kept in FP8 rather than BF16 (half of 14).</summary>
    private const double Fp8SavedInputs = 7;

    /// <summary>Of those, the part on the inputs every tensor-parallel rank holds whole without sequence parallelism (the QKV and MLP-in inputs, half of 4).</summary>
    private const double Fp8SavedReplicated = 2;

    /// <summary>Parameters one accelerator owns before ZeRO sharding: dense parts split by TP×PP, experts by their own tensor ranks × PP × EP.</summary>
    public static double ParametersPerAccelerator(TrainingJob job) => DenseParametersPerAccelerator(job) + ExpertParametersPerAccelerator(job);

    /// <summary>Parameters of the layers other than the routed experts one accelerator owns before ZeRO sharding.</summary>
    public static double DenseParametersPerAccelerator(TrainingJob job) =>
        (job.Model.TotalParameters - job.Model.RoutedExpertParameters) / (job.Plan.TensorParallel * job.Plan.PipelineParallel);

    /// <summary>Parameters of the routed experts one accelerator owns before ZeRO sharding.</summary>
    public static double ExpertParametersPerAccelerator(TrainingJob job) =>
        job.Model.RoutedExpertParameters / ((double)job.Plan.ExpertTensorRanks * job.Plan.PipelineParallel * job.Plan.ExpertParallel);

    /// <summary>Throws with what overflowed, and by how much, when the plan does not fit.</summary>
    public TrainingMemory EnsureFits()
    {
        if (!Fits)
        {
            throw new ArgumentException(
                $"the plan needs {Gb(TotalBytes)} per accelerator but it has {Gb(CapacityBytes)} ({Gb(TotalBytes - CapacityBytes)} over): " +
                $"weights {Gb(WeightBytes)}, gradients {Gb(GradientBytes)}, optimizer states {Gb(OptimizerBytes)}, activations {Gb(ActivationBytes)}; " +
                "raise tensor/pipeline parallelism or the ZeRO stage, recompute activations, or offload them to the host (activation_offload)");
        }

        return this;
    }

    private static string Gb(double bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1073741824.0:0.0} GiB");
}
