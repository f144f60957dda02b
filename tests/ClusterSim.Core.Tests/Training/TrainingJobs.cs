using ClusterSim.Core.Catalog;
using ClusterSim.Core.Training;

namespace ClusterSim.Core.Tests.Training;

/// <summary>Small jobs for behavioural tests.</summary>
internal static class TrainingJobs
{
    public static TrainingJob Llama8B(int dp = 16, double tokens = 2e11, FailureModel? failures = null, CheckpointPolicy? checkpoints = null) => new()
    {
        Model = SimCatalog.Default.Models.Get("llama-3.1-8b"),
        Accelerator = SimCatalog.Default.Hardware.Get("H100-SXM"),
        Plan = new ParallelismPlan { TensorParallel = 8, PipelineParallel = 1, DataParallel = dp },
        Tokens = tokens,
        GlobalBatchTokens = 1024 * 8192,
        SequenceLength = 8192,
        Failures = failures ?? FailureModel.None,
        Checkpoints = checkpoints ?? new CheckpointPolicy(),
    };
}
