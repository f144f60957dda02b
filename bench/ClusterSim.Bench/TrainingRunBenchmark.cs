using BenchmarkDotNet.Attributes;
using ClusterSim.Core.Catalog;
using ClusterSim.Core.Training;

namespace ClusterSim.Bench;

/// <summary>
/// A 90-day, 16,384-GPU training run with failures (Llama 3.1 405B on H100, Llama 3 failure rates, Young/Daly
/// checkpoints): the target is under a second per run. Events scale with checkpoints and failures, not steps.
/// </summary>
[MemoryDiagnoser]
public class TrainingRunBenchmark
{
    /// <summary>The job: 405B on 16,384 H100 for enough tokens to last about 90 days.</summary>
    public static TrainingJob NinetyDays { get; } = new()
    {
        Model = SimCatalog.Default.Models.Get("llama-3.1-405b"),
        Accelerator = SimCatalog.Default.Hardware.Get("H100-SXM"),
        Plan = new ParallelismPlan { TensorParallel = 8, PipelineParallel = 16, DataParallel = 128, Schedule = PipelineSchedule.Interleaved, InterleavedChunks = 4, Recompute = RecomputeKind.Full },
        Tokens = 17.5e12,
        GlobalBatchTokens = 2048 * 8192,
        SequenceLength = 8192,
        Efficiency = TrainingCalibrations.For(SimCatalog.Default.Hardware.Get("H100-SXM"), Precision.BF16).Efficiency,
    };

    private int _seed;

    [Benchmark]
    public double NinetyDayRun() => new TrainingRun(NinetyDays, ++_seed).Run().WallDays;
}
