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

    /// <summary>The step of each stage, in order (one for a run of one shape); <see cref="Step"/> is the stage with the most tokens.</summary>
    public IReadOnlyList<StepBreakdown> StageSteps { get; init; } = [];

    /// <summary>Model FLOPs of the whole run, every stage's steps counted.</summary>
    public double ModelFlops { get; init; }

    public double AcceleratorHours => Segments.Sum(s => s.AcceleratorHours);
    public long Failures => FailuresByCause.Sum();

    /// <summary>Seconds booked to a phase.</summary>
    public double PhaseSeconds(TrainingPhase phase) => Segments.Where(s => s.Phase == phase).Sum(s => SimTime.ToSeconds(s.Duration));

    /// <summary>Share of wall time spent on steps whose work was kept.</summary>
    public double EffectiveTrainingFraction => PhaseSeconds(TrainingPhase.Training) / WallSeconds;

    /// <summary>Model FLOPs of the whole run over what the accelerators could have done in its wall time.</summary>
    public double RunMfu => ModelFlops / (AcceleratorHours * 3600 * Step.PeakFlopsPerAccelerator);

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
            double restartHours = Segments.Where(s => s.Phase == TrainingPhase.Restart).Sum(s => s.AcceleratorHours);
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

    /// <summary>The stages' results laid end to end as one run of <paramref name="job"/>.</summary>
    internal static TrainingResult Concatenate(TrainingJob job, IReadOnlyList<TrainingResult> stages)
    {
        var segments = new List<TrainingSegment>();
        long offset = 0;
        for (int i = 0; i < stages.Count; i++)
        {
            foreach (TrainingSegment s in stages[i].Segments)
            {
                segments.Add(new TrainingSegment(s.Start + offset, s.End + offset, s.Phase, s.Accelerators, i));
            }

            offset += stages[i].Segments.Count == 0 ? 0 : stages[i].Segments[^1].End;
        }

        TrainingResult main = stages.MaxBy(r => r.Job.Tokens)!;
        return new TrainingResult
        {
            Job = job,
            Step = main.Step,
            StageSteps = stages.Select(r => r.Step).ToList(),
            ModelFlops = stages.Sum(r => r.ModelFlops),
            Memory = stages.MaxBy(r => r.Memory.TotalBytes / r.Memory.CapacityBytes)!.Memory,
            Segments = segments,
            FailuresByCause = Enumerable.Range(0, main.FailuresByCause.Count).Select(c => stages.Sum(r => r.FailuresByCause[c])).ToList(),
            Checkpoints = stages.Sum(r => r.Checkpoints),
            PlannedInterruptions = stages.Sum(r => r.PlannedInterruptions),
            CheckpointIntervalSeconds = main.CheckpointIntervalSeconds,
            EventsFired = stages.Sum(r => r.EventsFired),
            WallSeconds = SimTime.ToSeconds(offset),
        };
    }

    internal static TrainingResult From(TrainingJob job, StepBreakdown step, TrainingMemory memory, IReadOnlyList<TrainingSegment> segments, long[] causes, long checkpoints, long planned, double interval, long events) => new()
    {
        Job = job,
        Step = step,
        StageSteps = [step],
        ModelFlops = step.ModelFlops * job.Steps,
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
        ("steps", Job.StageJobs().Sum(j => j.Steps)),
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
