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

    /// <summary>Under <see cref="ClusterPolicy.Harvest"/>: the most accelerators it may grow to in whole data-parallel replicas (0: not elastic).</summary>
    public int ElasticMaxAccelerators { get; init; }

    /// <summary>Accelerators it needs at once.</summary>
    public int Gang => Job.Plan.Accelerators;

    /// <summary>Accelerators in one data-parallel replica: the unit an elastic job grows and shrinks by.</summary>
    public int ReplicaSize => Job.Plan.Accelerators / Job.Plan.DataParallel;

    /// <summary>Throws naming the first inconsistency.</summary>
    public ClusterTrainingJob Validated()
    {
        Job.Validated();
        if (SubmitSeconds < 0)
        {
            throw new ArgumentException($"job {Name}: submit time must not be negative (got {SubmitSeconds} s)");
        }

        if (ElasticMaxAccelerators != 0 && (ElasticMaxAccelerators < Gang || (ElasticMaxAccelerators - Gang) % ReplicaSize != 0))
        {
            throw new ArgumentException(
                $"job {Name}: elastic_max must be at least its {Gang} accelerators and grow in whole data-parallel replicas of {ReplicaSize} (got {ElasticMaxAccelerators})");
        }

        return this;
    }
}
