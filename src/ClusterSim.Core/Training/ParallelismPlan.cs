namespace ClusterSim.Core.Training;

/// <summary>How a training job is split over its accelerators: tensor × pipeline × data parallel, experts across data-parallel ranks.</summary>
public sealed record ParallelismPlan
{
    public int TensorParallel { get; init; } = 1;
    public int PipelineParallel { get; init; } = 1;
    public int DataParallel { get; init; } = 1;

    /// <summary>Ranks the experts of an MoE layer are spread over (a divisor of the data-parallel degree).</summary>
    public int ExpertParallel { get; init; } = 1;

    /// <summary>Sequences per micro-batch.</summary>
    public int MicroBatchSize { get; init; } = 1;
    public PipelineSchedule Schedule { get; init; } = PipelineSchedule.OneForwardOneBackward;

    /// <summary>Model chunks per pipeline stage under the interleaved schedule.</summary>
    public int InterleavedChunks { get; init; } = 1;

    /// <summary>ZeRO stage 0–3: what data-parallel ranks shard (optimizer states, gradients, weights).</summary>
    public int ZeroStage { get; init; } = 1;
    public RecomputeKind Recompute { get; init; } = RecomputeKind.Selective;

    /// <summary>
    /// ZeRO-3 shards over groups of this many data-parallel ranks and replicates across groups (HSDP, MiCS); 0 shards
    /// over the whole data-parallel group.
    /// </summary>
    public int ZeroShardGroup { get; init; }

    /// <summary>Ranks one ZeRO-3 shard is spread over, out of a group of <paramref name="ranks"/>.</summary>
    public int ShardGroup(int ranks) => ZeroShardGroup > 0 ? Math.Min(ZeroShardGroup, ranks) : ranks;

    /// <summary>
    /// Whether layer norms and dropout are split over the tensor-parallel ranks along the sequence (Korthikanti et al.
    /// 2022); without it each rank repeats them on the whole sequence and holds their activations.
    /// </summary>
    public bool SequenceParallel { get; init; } = true;

    /// <summary>Accelerators the plan occupies.</summary>
    public int Accelerators => TensorParallel * PipelineParallel * DataParallel;

    /// <summary>Chunks per stage that the schedule actually uses.</summary>
    public int Chunks => Schedule == PipelineSchedule.Interleaved ? InterleavedChunks : 1;

    public override string ToString() => $"TP {TensorParallel} × PP {PipelineParallel} × DP {DataParallel}" + (ExpertParallel > 1 ? $" (EP {ExpertParallel})" : string.Empty);
}
