using ClusterSim.Core.Engine;
using ClusterSim.Core.Metrics;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Training;

/// <summary>What a training run took: wall time, accelerator-hours, utilisation, interruptions, energy and cost.</summary>
public sealed record TrainingResult : ISimulationResult
{
    public required TrainingJob Job { get; init; }
    public required StepBreakdown Step { get; init; }
    public required TrainingMemory Memory { get; init; }

    /// <summary>Every stretch of wall time with its phase, in order, covering the run without gaps.</summary>
    public required IReadOnlyList<TrainingSegment> Segments { get; init; }
    public required IReadOnlyList<long> FailuresByCause { get; init; }
    public long Checkpoints { get; init; }
    public long PlannedInterruptions { get; init; }
    public double CheckpointIntervalSeconds { get; init; }
    public long EventsFired { get; init; }

    public double WallSeconds { get; init; }
    public double WallDays => WallSeconds / 86_400;
    public double AcceleratorHours => Job.Plan.Accelerators * WallSeconds / 3600;
    public long Failures => FailuresByCause.Sum();

    /// <summary>Seconds booked to a phase.</summary>
    public double PhaseSeconds(TrainingPhase phase) => Segments.Where(s => s.Phase == phase).Sum(s => SimTime.ToSeconds(s.Duration));

    /// <summary>Share of wall time spent on steps whose work was kept.</summary>
    public double EffectiveTrainingFraction => PhaseSeconds(TrainingPhase.Training) / WallSeconds;

    /// <summary>Model FLOPs of the whole run over what the accelerators could have done in its wall time.</summary>
    public double RunMfu => Step.ModelFlops * Job.Steps / (Job.Plan.Accelerators * Step.PeakFlopsPerAccelerator * WallSeconds);

    public double CostUsd => AcceleratorHours * Job.EffectivePricePerHour;

    /// <summary>
    /// Facility energy by <see cref="AcceleratorPower"/>, as the lifecycle books it: the job's power fraction of TDP while
    /// it works, the idle draw while it restarts, times the job's PUE.
    /// </summary>
    public double EnergyKwh
    {
        get
        {
            double tdp = Job.Accelerator.TdpWatts ?? 0;
            double restartHours = Job.Plan.Accelerators * PhaseSeconds(TrainingPhase.Restart) / 3600;
            return AcceleratorPower.Kwh(tdp, AcceleratorHours - restartHours, Job.PowerFraction, Job.Pue)
                + AcceleratorPower.Kwh(tdp, restartHours, AcceleratorPower.IdleFraction, Job.Pue);
        }
    }

    /// <inheritdoc/>
    public bool Conserved
    {
        get
        {
            long cursor = 0;
            foreach (TrainingSegment s in Segments)
            {
                if (s.Start != cursor || s.End <= s.Start)
                {
                    return false;
                }

                cursor = s.End;
            }

            return SimTime.ToSeconds(cursor) == WallSeconds;
        }
    }

    internal static TrainingResult From(TrainingJob job, StepBreakdown step, TrainingMemory memory, IReadOnlyList<TrainingSegment> segments, long[] causes, long checkpoints, long planned, double interval, long events) => new()
    {
        Job = job,
        Step = step,
        Memory = memory,
        Segments = segments,
        FailuresByCause = causes,
        Checkpoints = checkpoints,
        PlannedInterruptions = planned,
        CheckpointIntervalSeconds = interval,
        EventsFired = events,
        WallSeconds = segments.Count == 0 ? 0 : SimTime.ToSeconds(segments[^1].End),
    };

    /// <inheritdoc/>
    public IReadOnlyList<(string Name, double Value)> Scalars() =>
    [
        ("wall_days", WallDays),
        ("accelerator_hours", AcceleratorHours),
        ("cost_usd", CostUsd),
        ("energy_mwh", EnergyKwh / 1000),
        ("mfu_step", Step.Mfu),
        ("mfu_run", RunMfu),
        ("hardware_tflops_per_accel", Step.HardwareFlopsPerAccelerator / 1e12),
        ("tokens_per_s_per_accel", Step.TokensPerSecondPerAccelerator),
        ("step_s", Step.StepSeconds),
        ("step_compute_s", Step.ComputeSeconds),
        ("step_memory_bound_s", Step.MemoryBoundSeconds),
        ("step_communication_s", Step.CommunicationSeconds),
        ("step_tensor_parallel_s", Step.TensorParallelSeconds),
        ("step_data_parallel_s", Step.DataParallelSeconds),
        ("step_expert_parallel_s", Step.ExpertParallelSeconds),
        ("step_bubble_s", Step.PipelineBubbleSeconds),
        ("steps", Job.Steps),
        ("effective_training_fraction", EffectiveTrainingFraction),
        ("failures", Failures),
        ("planned_interruptions", PlannedInterruptions),
        ("checkpoints", Checkpoints),
        ("checkpoint_interval_s", CheckpointIntervalSeconds),
        ("lost_hours", PhaseSeconds(TrainingPhase.Lost) / 3600),
        ("memory_gb_per_accel", Memory.TotalBytes / 1e9),
        ("expert_imbalance", Step.ExpertImbalance),
        ("events", EventsFired),
    ];

    /// <inheritdoc/>
    public SeriesTable Series() => TrainingTimeline.Build(this, 2000);
}
