using System.Globalization;

namespace ClusterSim.Core.Training;

/// <summary>
/// Bytes one accelerator holds during a step: BF16 weights and gradients plus FP32 master weights and Adam
/// moments (16 bytes per parameter, Rajbhandari et al. 2020) sharded by the ZeRO stage, and the activations
/// of the micro-batches in flight on the first pipeline stage (Korthikanti et al. 2022, with sequence parallelism).
/// </summary>
public sealed record TrainingMemory(double WeightBytes, double GradientBytes, double OptimizerBytes, double ActivationBytes, double CapacityBytes)
{
    public double TotalBytes => WeightBytes + GradientBytes + OptimizerBytes + ActivationBytes;
    public bool Fits => TotalBytes <= CapacityBytes;

    /// <summary>The per-accelerator memory of <paramref name="job"/>.</summary>
    public static TrainingMemory Of(TrainingJob job)
    {
        ParallelismPlan p = job.Plan;
        double parameters = ParametersPerAccelerator(job);
        int dp = p.DataParallel;
        double weights = 2 * parameters / (p.ZeroStage >= 3 ? dp : 1);
        double gradients = 2 * parameters / (p.ZeroStage >= 2 ? dp : 1);
        double optimizer = 12 * parameters / (p.ZeroStage >= 1 ? dp : 1);

        double s = job.SequenceLength, b = p.MicroBatchSize, h = job.Model.Hidden, t = p.TensorParallel;
        double perLayer = job.Plan.Recompute switch
        {
            RecomputeKind.Full => 2 * s * b * h / t,
            RecomputeKind.Selective => 34 * s * b * h / t,
            _ => (s * b * h / t) * (34 + (5.0 * job.Model.Heads * s / h)),
        };
        double layersPerStage = job.Model.Layers / (double)p.PipelineParallel;
        // Under 1F1B the first stage holds up to p micro-batches; interleaving adds (p−1)/(p·v) of that again.
        double inFlight = Math.Min(job.MicroBatches, p.PipelineParallel) * (p.Chunks > 1 ? 1 + ((p.PipelineParallel - 1.0) / (p.PipelineParallel * p.Chunks)) : 1);
        return new TrainingMemory(weights, gradients, optimizer, perLayer * layersPerStage * inFlight, job.Accelerator.MemoryBytes);
    }

    /// <summary>Parameters one accelerator owns before ZeRO sharding: dense parts split by TP×PP, experts also by EP.</summary>
    public static double ParametersPerAccelerator(TrainingJob job)
    {
        ParallelismPlan p = job.Plan;
        double dense = job.Model.TotalParameters - job.Model.RoutedExpertParameters;
        return (dense / (p.TensorParallel * p.PipelineParallel)) + (job.Model.RoutedExpertParameters / ((double)p.TensorParallel * p.PipelineParallel * p.ExpertParallel));
    }

    /// <summary>Throws with what overflowed, and by how much, when the plan does not fit.</summary>
    public TrainingMemory EnsureFits()
    {
        if (!Fits)
        {
            throw new ArgumentException(
                $"the plan needs {Gb(TotalBytes)} per accelerator but it has {Gb(CapacityBytes)} ({Gb(TotalBytes - CapacityBytes)} over): " +
                $"weights {Gb(WeightBytes)}, gradients {Gb(GradientBytes)}, optimizer states {Gb(OptimizerBytes)}, activations {Gb(ActivationBytes)}; " +
                "raise tensor/pipeline parallelism or the ZeRO stage, or recompute activations");
        }

        return this;
    }

    private static string Gb(double bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1073741824.0:0.0} GiB");
}
