namespace ClusterSim.Core.Training;

/// <summary>How a training job is split over its accelerators: tensor × pipeline × data parallel, experts across data-parallel ranks.</summary>
public sealed record ParallelismPlan
{
    public int TensorParallel { get; init; } = 1;

    /// <summary>Ranks one sequence is split over (context parallelism, ring attention); K and V pass around the ring.</summary>
    public int ContextParallel { get; init; } = 1;
    public int PipelineParallel { get; init; } = 1;
    public int DataParallel { get; init; } = 1;

    /// <summary>
    /// Ranks the experts of an MoE layer are spread over: a divisor of the data-parallel degree, or with
    /// <see cref="ExpertTensorParallel"/> set, of a stage's tensor × context × data-parallel ranks.
    /// </summary>
    public int ExpertParallel { get; init; } = 1;

    /// <summary>
    /// Ranks each expert's matrices are split over when the MoE layers fold their own grid onto a stage's ranks (Megatron
    /// Core's MoE parallel folding: expert-tensor × expert × expert-data = tensor × context × data), so the expert-parallel
    /// group may span tensor- and context-parallel ranks; 0 (the default) splits the experts like the dense layers, over the
    /// tensor-parallel ranks, with expert parallelism inside data parallelism.
    /// </summary>
    public int ExpertTensorParallel { get; init; }

    /// <summary>Whether the MoE layers fold their own grid onto the stage's ranks (<see cref="ExpertTensorParallel"/> set).</summary>
    public bool FoldsExperts => ExpertTensorParallel > 0;

    /// <summary>Ranks each expert's matrices are split over: <see cref="ExpertTensorParallel"/> when folded, else the tensor-parallel degree.</summary>
    public int ExpertTensorRanks => FoldsExperts ? ExpertTensorParallel : TensorParallel;

    /// <summary>Ranks that hold the same slice of an expert and reduce its gradients together.</summary>
    public int ExpertGradientRanks => FoldsExperts
        ? TensorParallel * ContextParallel * DataParallel / (ExpertTensorParallel * ExpertParallel)
        : GradientRanks / ExpertParallel;

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

    /// <summary>
    /// Fraction of the expert all-to-all hidden behind another micro-batch's compute (0: all in the critical path;
    /// DualPipe-style schedules and dispatch/combine overlap approach 1), never more than the compute there is to hide it.
    /// </summary>
    public double ExpertOverlap { get; init; }

    /// <summary>
    /// The activations kept for the backward pass live in host memory (MaxText's remat policies that offload to the host,
    /// NVIDIA's activation offloading): the accelerator holds one layer's at a time, the copies run beside the compute and
    /// are taken as hidden behind it (their time is not modelled).
    /// </summary>
    public bool OffloadActivations { get; init; }

    /// <summary>Node-limited routing: a token's expert copies reach at most this many scale-up domains (DeepSeek-V3: 4); 0 = unlimited.</summary>
    public int ExpertNodeLimit { get; init; }

    /// <summary>How tokens reach their experts' ranks across scale-up domains: a copy each (the default) or once a domain.</summary>
    public DispatchGranularity ExpertDispatch { get; init; } = DispatchGranularity.PerCopy;

    /// <summary>Accelerators the plan occupies.</summary>
    public int Accelerators => TensorParallel * ContextParallel * PipelineParallel * DataParallel;

    /// <summary>Ranks that hold the same weights and reduce gradients together: data × context parallel.</summary>
    public int GradientRanks => DataParallel * ContextParallel;

    /// <summary>Chunks per stage that the schedule actually uses.</summary>
    public int Chunks => Schedule == PipelineSchedule.Interleaved ? InterleavedChunks : 1;

    /// <summary>Pipeline bubble as a fraction of the step's work with <paramref name="microBatches"/> micro-batches.</summary>
    public double BubbleFraction(double microBatches) => Schedule switch
    {
        PipelineSchedule.ZeroBubble => (PipelineParallel - 1.0) / (3 * microBatches),
        PipelineSchedule.DualPipe => Math.Max(0, (PipelineParallel / 2.0) - 1) / (3 * microBatches),
        _ => (PipelineParallel - 1.0) / (Chunks * microBatches),
    };

    public override string ToString() =>
        $"TP {TensorParallel}{(ContextParallel > 1 ? $" × CP {ContextParallel}" : string.Empty)} × PP {PipelineParallel} × DP {DataParallel}" + (ExpertParallel > 1 ? $" (EP {ExpertParallel}{(FoldsExperts ? $", ETP {ExpertTensorParallel}" : string.Empty)})" : string.Empty);
}
