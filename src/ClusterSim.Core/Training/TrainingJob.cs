using ClusterSim.Core.Catalog;

namespace ClusterSim.Core.Training;

/// <summary>A training run to simulate: model, data, hardware, parallelism plan, failures and prices.</summary>
public sealed record TrainingJob
{
    public required ModelSpec Model { get; init; }
    public required AcceleratorSpec Accelerator { get; init; }
    public required ParallelismPlan Plan { get; init; }

    /// <summary>Tokens to train on.</summary>
    public double Tokens { get; init; }

    /// <summary>Tokens per optimizer step (global batch × sequence length).</summary>
    public double GlobalBatchTokens { get; init; } = 4 * 1024 * 1024;
    public int SequenceLength { get; init; } = 4096;

    /// <summary>Arithmetic precision of the matrix multiplies (BF16 or FP8).</summary>
    public Precision Precision { get; init; } = Precision.BF16;

    /// <summary>How FP8 linear layers are scaled (it picks the calibration row); ignored at other precisions.</summary>
    public Fp8Scaling Fp8Scaling { get; init; } = Fp8Scaling.Tensor;

    /// <summary>Stages with their own tokens, batch, sequence length or data-parallel degree; empty for a run of one shape.</summary>
    public IReadOnlyList<TrainingStage> Stages { get; init; } = [];

    /// <summary>The job of each stage (the job itself when it has none).</summary>
    public IReadOnlyList<TrainingJob> StageJobs() => Stages.Count == 0 ? [this] : Stages.Select(s => this with
    {
        Stages = [],
        Tokens = s.Tokens,
        GlobalBatchTokens = s.GlobalBatchTokens ?? GlobalBatchTokens,
        SequenceLength = s.SequenceLength ?? SequenceLength,
        Plan = Plan with { DataParallel = s.DataParallel ?? Plan.DataParallel, ContextParallel = s.ContextParallel ?? Plan.ContextParallel },
    }).ToList();

    /// <summary>Multi-token-prediction modules (DeepSeek-V3): each adds one transformer block, a 2h×h projection and the output head.</summary>
    public int MultiTokenPredictionDepth { get; init; }

    /// <summary>Fused (FlashAttention-style) or materialised attention scores.</summary>
    public AttentionKernel Attention { get; init; } = AttentionKernel.Fused;
    public TrainingEfficiency Efficiency { get; init; } = new();

    /// <summary>Expert popularity and placement for an MoE model; null assumes perfectly balanced experts.</summary>
    public Moe.MoeRoutingOptions? ExpertRouting { get; init; }
    public FailureModel Failures { get; init; } = new();
    public CheckpointPolicy Checkpoints { get; init; } = new();

    /// <summary>USD per accelerator-hour; the catalog price when null.</summary>
    public double? PricePerHour { get; init; }

    /// <summary>Data-centre power usage effectiveness applied to accelerator power.</summary>
    public double Pue { get; init; } = 1.1;

    /// <summary>Average draw of a training accelerator as a fraction of its TDP.</summary>
    public double PowerFraction { get; init; } = 0.8;

    /// <summary>Sequences per optimizer step.</summary>
    public long SequencesPerStep => (long)Math.Round(GlobalBatchTokens / SequenceLength);

    /// <summary>Micro-batches each pipeline runs per step.</summary>
    public long MicroBatches => SequencesPerStep / ((long)Plan.DataParallel * Plan.MicroBatchSize);

    /// <summary>Optimizer steps to consume <see cref="Tokens"/>.</summary>
    public long Steps => (long)Math.Ceiling(Tokens / (SequencesPerStep * (double)SequenceLength));

    /// <summary>The price used for cost, USD per accelerator-hour; NaN (so the cost reads as unknown, not $0) when neither the job nor the catalog names one.</summary>
    public double EffectivePricePerHour => PricePerHour ?? Accelerator.PricePerHour ?? double.NaN;

    /// <summary>Accelerators sharing the scale-up link, from the catalog; collectives inside it use the scale-up bandwidth.</summary>
    public int ScaleUpDomain => Accelerator.ScaleUpDomain
        ?? throw new ArgumentException($"hardware '{Accelerator.Id}' has no scale_up_domain in the catalog; training places its collectives by it: add it to the hardware row");

    /// <summary>Pipeline slots beyond the layers: the input embedding and the loss, each counted as a layer when stages are split.</summary>
    public const int PipelineEndSlots = 2;

    /// <summary>Checks the job's shape; throws <see cref="ArgumentException"/> naming the first inconsistency.</summary>
    public TrainingJob Validated()
    {
        IReadOnlyList<TrainingJob> stages = Stages.Count > 0 ? StageJobs() : [];
        for (int i = 0; i < stages.Count; i++)
        {
            try
            {
                stages[i].Validated();
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"stage {i + 1}: {e.Message}", e);
            }
        }

        ParallelismPlan p = Plan;
        if (Tokens <= 0 || GlobalBatchTokens <= 0 || SequenceLength <= 0)
        {
            throw new ArgumentException($"tokens, global_batch_tokens and sequence_length must be positive (got {Tokens}, {GlobalBatchTokens}, {SequenceLength})");
        }

        if (p.ContextParallel < 1 || SequenceLength % p.ContextParallel != 0)
        {
            throw new ArgumentException($"context_parallel {p.ContextParallel} must be at least 1 and divide sequence_length {SequenceLength}");
        }

        if (p.ExpertOverlap is < 0 or > 1 || MultiTokenPredictionDepth is < 0 or > 8)
        {
            throw new ArgumentException($"expert_overlap must be a fraction (got {p.ExpertOverlap}) and mtp_depth 0-8 (got {MultiTokenPredictionDepth})");
        }

        if (p.Schedule == PipelineSchedule.DualPipe && p.PipelineParallel % 2 != 0)
        {
            throw new ArgumentException($"the dualpipe schedule feeds micro-batches from both ends and needs an even pipeline_parallel, got {p.PipelineParallel}");
        }

        if (p.TensorParallel < 1 || p.PipelineParallel < 1 || p.DataParallel < 1 || p.ExpertParallel < 1 || p.MicroBatchSize < 1 || p.InterleavedChunks < 1)
        {
            throw new ArgumentException($"parallel degrees and micro_batch_size must be at least 1 ({p})");
        }

        if (p.ZeroStage is < 0 or > 3)
        {
            throw new ArgumentException($"zero_stage must be 0, 1, 2 or 3, got {p.ZeroStage}");
        }

        if (Model.Heads % p.TensorParallel != 0)
        {
            throw new ArgumentException($"tensor_parallel {p.TensorParallel} must divide the model's {Model.Heads} attention heads");
        }

        // The embedding and the loss may each take a pipeline slot of their own (Megatron's
        // account_for_embedding_in_pipeline_split and account_for_loss_in_pipeline_split), so 126 layers fill 128 slots.
        if (Model.Layers + PipelineEndSlots < p.PipelineParallel * p.Chunks)
        {
            throw new ArgumentException($"pipeline_parallel {p.PipelineParallel} × {p.Chunks} chunk(s) exceeds the model's {Model.Layers} layers and the {PipelineEndSlots} slots its embedding and loss may take");
        }

        if (p.ExpertParallel > 1 && !Model.IsMoE)
        {
            throw new ArgumentException($"expert_parallel {p.ExpertParallel} needs a mixture-of-experts model; '{Model.Id}' is dense");
        }

        if (p.ExpertTensorParallel < 0)
        {
            throw new ArgumentException($"expert_tensor must be at least 1 (or 0 for the tensor-parallel degree), got {p.ExpertTensorParallel}");
        }

        int stageRanks = p.TensorParallel * p.ContextParallel * p.DataParallel;
        if (p.FoldsExperts && (stageRanks % (p.ExpertTensorParallel * p.ExpertParallel) != 0 || (Model.IsMoE && Model.Experts % p.ExpertParallel != 0)))
        {
            throw new ArgumentException($"expert_tensor {p.ExpertTensorParallel} × expert_parallel {p.ExpertParallel} must divide a stage's tensor × context × data = {stageRanks} ranks, and expert_parallel the model's {Model.Experts} experts");
        }

        if (!p.FoldsExperts && (p.DataParallel % p.ExpertParallel != 0 || (Model.IsMoE && Model.Experts % p.ExpertParallel != 0)))
        {
            throw new ArgumentException($"expert_parallel {p.ExpertParallel} must divide both data_parallel {p.DataParallel} and the model's {Model.Experts} experts (or set expert_tensor to fold the expert grid over tensor and context ranks too)");
        }

        long perReplica = (long)p.DataParallel * p.MicroBatchSize;
        if (SequencesPerStep < perReplica || SequencesPerStep % perReplica != 0)
        {
            throw new ArgumentException($"the global batch of {SequencesPerStep} sequences must be a multiple of data_parallel × micro_batch_size = {perReplica}");
        }

        int domain = ScaleUpDomain;
        if (p.Accelerators > 1 && domain > 1 && Accelerator.ScaleUpGBps is not > 0)
        {
            throw new ArgumentException($"hardware '{Accelerator.Id}' has no scale_up_gb_s in the catalog; a plan over {p.Accelerators} accelerators needs the scale-up bandwidth: add it to the hardware row");
        }

        if (p.Accelerators > domain && Accelerator.ScaleOutGBps is not > 0)
        {
            throw new ArgumentException($"hardware '{Accelerator.Id}' has no scale_out_gb_s in the catalog; a plan over {p.Accelerators} accelerators spans more than one scale-up domain of {domain}: add it to the hardware row");
        }

        if (p.ZeroShardGroup < 0 || (p.ZeroShardGroup > 0 && (p.DataParallel % p.ZeroShardGroup != 0 || p.ZeroStage < 3)))
        {
            throw new ArgumentException($"zero_shard_group {p.ZeroShardGroup} must divide data_parallel {p.DataParallel} and needs zero_stage 3 (0 shards over the whole group)");
        }

        if (Pue < 1 || PowerFraction is <= 0 or > 1)
        {
            throw new ArgumentException($"pue must be at least 1 and power_fraction in (0, 1] (got {Pue}, {PowerFraction})");
        }

        if (Precision == Precision.INT4 && Accelerator.Fp4Tflops is not > 0)
        {
            throw new ArgumentException($"hardware '{Accelerator.Id}' has no FP4 units (fp4_tflops) for 4-bit training; choose bf16 or fp8");
        }

        _ = Accelerator.PeakFlops(Precision);
        Efficiency.Validated();
        Failures.Validated();
        Checkpoints.Validated();
        return this;
    }
}
