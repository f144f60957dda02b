using ClusterSim.Core.Training;

namespace ClusterSim.Core.Cluster;

/// <summary>A training (or fine-tuning) job submitted to a shared cluster: its plan, when it arrives, and how it may be moved.</summary>
public sealed record ClusterTrainingJob
{
    public required string Name { get; init; }

    /// <summary>The job as a single run would train it; its plan's accelerators are the gang it needs at once.</summary>
    public required TrainingJob Job { get; init; }

    /// <summary>The stream of like jobs it belongs to (a daily fine-tune, say); results summarise a stream. Its own name when alone.</summary>
    public string Stream { get => field ?? Name; init; }

    /// <summary>The pool it runs in (its hardware).</summary>
    public required string Pool { get; init; }

    /// <summary>Seconds after the cluster starts that the job is submitted.</summary>
    public double SubmitSeconds { get; init; }

    /// <summary>Higher runs first and is preempted last.</summary>
    public int Priority { get; init; }

    /// <summary>Whether serving may take its accelerators (it resumes from its last checkpoint).</summary>
    public bool Preemptible { get; init; } = true;

    /// <summary>Under <see cref="ClusterPolicy.Harvest"/>: the most accelerators it may grow to in whole <see cref="ElasticUnit"/>s (0: not elastic).</summary>
    public int ElasticMaxAccelerators { get; init; }

    /// <summary>
    /// The fewest accelerators it runs on, in whole <see cref="ElasticUnit"/>s (0: its gang): serving and maintenance
    /// shrink it to this before preempting it outright, and it starts (or restarts) on as many units from this up as are
    /// free rather than wait for its gang; it grows back to its gang (under harvest, beyond) when there is room.
    /// </summary>
    public int ElasticMinAccelerators { get; init; }

    /// <summary>The fewest accelerators it runs on: <see cref="ElasticMinAccelerators"/>, or its gang.</summary>
    public int ElasticFloor => ElasticMinAccelerators > 0 ? ElasticMinAccelerators : Gang;

    /// <summary>Whether a job's global batch stays as planned or follows its replicas when it grows or shrinks.</summary>
    public ElasticBatch ElasticBatch { get; init; } = ElasticBatch.Fixed;

    /// <summary>Accelerators it needs at once.</summary>
    public int Gang => Job.Plan.Accelerators;

    /// <summary>Accelerators in one data-parallel replica.</summary>
    public int ReplicaSize => Job.Plan.Accelerators / Job.Plan.DataParallel;

    /// <summary>
    /// Data-parallel replicas an elastic job grows and shrinks by: one, or as many as keep the data-parallel degree a
    /// multiple of what the plan divides it by (expert parallelism inside data parallelism, a ZeRO-3 shard group).
    /// </summary>
    public int ElasticReplicaStep
    {
        get
        {
            ParallelismPlan p = Job.Plan;
            int experts = !p.FoldsExperts ? p.ExpertParallel
                : (p.ExpertTensorParallel * p.ExpertParallel) / Gcd(p.ExpertTensorParallel * p.ExpertParallel, p.TensorParallel * p.ContextParallel);
            int shards = p.ZeroShardGroup > 0 ? p.ZeroShardGroup : 1;
            return experts / Gcd(experts, shards) * shards;
        }
    }

    /// <summary>Accelerators an elastic job grows and shrinks by: <see cref="ElasticReplicaStep"/> data-parallel replicas.</summary>
    public int ElasticUnit => ReplicaSize * ElasticReplicaStep;

    /// <summary>
    /// The job as it runs on <paramref name="accelerators"/> (its gang, or more or fewer in whole <see cref="ElasticUnit"/>s): as
    /// many data-parallel replicas, and the global batch of <see cref="ElasticBatch"/> — the planned batch with each
    /// replica's micro-batches rounded up to the slowest replica's share when fixed, the replicas' micro-batches kept when
    /// scaled. The step of the planned size is the job itself.
    /// </summary>
    public TrainingJob At(int accelerators)
    {
        if (accelerators == Gang)
        {
            return Job;
        }

        ParallelismPlan plan = Job.Plan;
        int replicas = accelerators / ReplicaSize;
        long round = (long)replicas * plan.MicroBatchSize;   // sequences one micro-batch of every replica holds
        long sequences = ElasticBatch == ElasticBatch.Fixed
            ? (Job.SequencesPerStep + round - 1) / round * round
            : Job.SequencesPerStep / plan.DataParallel * replicas;
        return Job with
        {
            Plan = plan with { DataParallel = replicas },
            GlobalBatchTokens = sequences * (double)Job.SequenceLength,
        };
    }

    /// <summary>
    /// Tokens a second each accelerator trains at <paramref name="accelerators"/>, checkpoints aside: a step's useful tokens
    /// (with the batch fixed, the planned batch — the rounding's extra micro-batches are work that trains nothing new)
    /// over its time on the step model.
    /// </summary>
    public double TokensPerAcceleratorSecond(int accelerators)
    {
        StepBreakdown step = TrainingStepModel.Step(At(accelerators));
        if (accelerators == Gang)
        {
            return step.TokensPerSecondPerAccelerator;
        }

        double tokens = ElasticBatch == ElasticBatch.Fixed ? Job.SequencesPerStep * (double)Job.SequenceLength : step.Tokens;
        return tokens / (accelerators * step.StepSeconds);
    }

    /// <summary>Throws naming the first inconsistency.</summary>
    public ClusterTrainingJob Validated()
    {
        Job.Validated();
        if (SubmitSeconds < 0)
        {
            throw new ArgumentException($"job {Name}: submit time must not be negative (got {SubmitSeconds} s)");
        }

        string unit = ElasticReplicaStep == 1 ? $"whole data-parallel replicas of {ReplicaSize}"
            : $"units of {ElasticUnit} ({ElasticReplicaStep} data-parallel replicas of {ReplicaSize}, so that expert_parallel and zero_shard_group still divide the data-parallel degree)";
        if (ElasticMinAccelerators != 0)
        {
            if (ElasticMinAccelerators > Gang || ElasticMinAccelerators < ElasticUnit || (Gang - ElasticMinAccelerators) % ElasticUnit != 0)
            {
                throw new ArgumentException($"job {Name}: elastic_min must be at most its {Gang} accelerators, at least {ElasticUnit}, and shrink in {unit} (got {ElasticMinAccelerators})");
            }

            EnsureRunsAt(ElasticMinAccelerators, "elastic_min");
        }

        if (ElasticMaxAccelerators == 0)
        {
            return this;
        }

        if (ElasticMaxAccelerators < Gang || (ElasticMaxAccelerators - Gang) % ElasticUnit != 0)
        {
            throw new ArgumentException($"job {Name}: elastic_max must be at least its {Gang} accelerators and grow in {unit} (got {ElasticMaxAccelerators})");
        }

        int replicas = ElasticMaxAccelerators / ReplicaSize;
        long microBatches = Job.SequencesPerStep / Job.Plan.MicroBatchSize;
        if (ElasticBatch == ElasticBatch.Fixed && replicas > microBatches)
        {
            long most = microBatches / ElasticReplicaStep * ElasticReplicaStep * ReplicaSize;
            throw new ArgumentException(
                $"job {Name}: elastic_max {ElasticMaxAccelerators} runs {replicas} data-parallel replicas, but a fixed global batch of {Job.SequencesPerStep} sequences gives at most {microBatches} of them a micro-batch of {Job.Plan.MicroBatchSize} (at most {most} accelerators; elastic_batch: scaled grows the batch with the replicas instead)");
        }

        EnsureRunsAt(ElasticMaxAccelerators, "elastic_max");
        return this;
    }

    /// <summary>Throws, naming the size, when the plan cannot run on <paramref name="accelerators"/>: the step refuses it or a rank's memory overflows.</summary>
    private void EnsureRunsAt(int accelerators, string field)
    {
        try
        {
            TrainingMemory.Of(At(accelerators).Validated()).EnsureFits();
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"job {Name}: at {field} ({accelerators} accelerators, {accelerators / ReplicaSize} data-parallel replicas): {e.Message}", e);
        }
    }

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);
}
