using System.Diagnostics;
using ClusterSim.Core.Engine;

namespace ClusterSim.Core.Training;

/// <summary>
/// Simulates a training job's wall time: stretches of steps advanced in one event up to the next checkpoint
/// (or the end), Poisson failures that throw away the work since the last checkpoint and cost a restart,
/// and planned interruptions that checkpoint first. Event count grows with checkpoints and failures, not steps.
/// </summary>
public sealed class TrainingRun : IEventHandler
{
    private const int CheckpointDue = 0, CheckpointWritten = 1, Failure = 2, RestartDone = 3, Planned = 4, Finished = 5;

    private readonly TrainingJob _job;
    private readonly Simulator _sim;
    private long _eventsHandled;
    private readonly RandomStream _failures;
    private readonly RandomStream _causes;
    private readonly List<TrainingSegment> _segments = [];
    private readonly long[] _causeCounts;
    private readonly long _totalWork;
    private readonly long _checkpointInterval;
    private readonly long _checkpointWrite;
    private readonly long _restart;
    private readonly double _failureRate;
    private readonly long _plannedPeriod;

    private TrainingPhase _phase;
    private long _segmentStart;
    private long _work;
    private long _savedWork;
    private int _firstUnsavedSegment;
    private bool _plannedPending;
    private bool _finished;
    private EventHandle _progressEvent;
    private EventHandle _restartEvent;
    private EventHandle _failureEvent;
    private EventHandle _plannedEvent;
    private long _plannedSeen;
    private long _checkpointsWritten;

    /// <summary>
    /// Prepares a run of <paramref name="job"/> with randomness derived from <paramref name="seed"/>, on its own clock or
    /// on <paramref name="simulator"/> (shared with other workloads; it must not have started).
    /// </summary>
    public TrainingRun(TrainingJob job, long seed, Simulator? simulator = null)
    {
        if (simulator is { Now: not 0 })
        {
            throw new ArgumentException($"a training run starts at time 0 of its simulator; this one is at {SimTime.ToSeconds(simulator.Now)} s");
        }

        _sim = simulator ?? new Simulator();
        _job = job.Validated();
        Memory = TrainingMemory.Of(job).EnsureFits();
        Step = TrainingStepModel.Step(job);
        var streams = new RandomStreams(seed);
        _failures = streams.For("training.failures");
        _causes = streams.For("training.causes");
        _causeCounts = new long[job.Failures.Causes.Count];
        long stepNanos = SimTime.FromSeconds(Step.StepSeconds);
        _totalWork = stepNanos * job.Steps;
        _failureRate = job.Failures.JobFailureRatePerSecond(job.Plan.Accelerators);
        double interval = job.Checkpoints.Interval(_failureRate > 0 ? 1 / _failureRate : double.PositiveInfinity);
        _checkpointInterval = double.IsPositiveInfinity(interval) ? long.MaxValue : Math.Max(stepNanos, SimTime.FromSeconds(interval) / stepNanos * stepNanos);
        _checkpointWrite = SimTime.FromSeconds(job.Checkpoints.WriteSeconds);
        _restart = SimTime.FromSeconds(job.Failures.RestartSeconds);
        _plannedPeriod = job.Failures.Enabled && job.Failures.PlannedPerDay > 0 ? SimTime.FromSeconds(86_400 / job.Failures.PlannedPerDay) : 0;
    }

    /// <summary>
    /// Runs <paramref name="job"/> to its last token, stage by stage when it has stages: each stage on its own clock and
    /// random streams (derived from <paramref name="seed"/> and the stage), the stages' timelines laid end to end.
    /// </summary>
    public static TrainingResult RunStages(TrainingJob job, long seed)
    {
        IReadOnlyList<TrainingJob> stages = job.StageJobs();
        if (job.Stages.Count == 0)
        {
            return new TrainingRun(job, seed).Run();
        }

        var results = stages.Select((stage, i) => new TrainingRun(stage, unchecked((seed * 1_000_003) + i + 1)).Run()).ToList();
        return TrainingResult.Concatenate(job, results);
    }

    /// <summary>The step model's breakdown of one step.</summary>
    public StepBreakdown Step { get; }

    /// <summary>Per-accelerator memory of the plan (checked to fit).</summary>
    public TrainingMemory Memory { get; }

    /// <summary>Runs the job to its last token.</summary>
    public TrainingResult Run()
    {
        Start();
        _sim.Run();
        return Finish();
    }

    /// <summary>Schedules the first failure, interruption and step; whoever owns the simulator then runs it.</summary>
    public void Start()
    {
        if (_failureRate > 0)
        {
            _failureEvent = _sim.Schedule(NextFailureDelay(), this, Failure);
        }

        if (_plannedPeriod > 0)
        {
            _plannedEvent = _sim.Schedule(_plannedPeriod, this, Planned);
        }

        StartTraining();
    }

    /// <summary>The finished run's result.</summary>
    /// <exception cref="InvalidOperationException">The run has not reached its last token (its simulator stopped early).</exception>
    public TrainingResult Finish()
    {
        if (!_finished)
        {
            throw new InvalidOperationException("the training run has not finished: run its simulator until it does");
        }

        Debug.Assert(_work == _totalWork, "the run ends with all its work done");
        return TrainingResult.From(_job, Step, Memory, _segments, _causeCounts, _checkpointsWritten, _plannedSeen, SimTime.ToSeconds(_checkpointInterval == long.MaxValue ? 0 : _checkpointInterval), _eventsHandled);
    }

    /// <inheritdoc/>
    public void OnEvent(Simulator simulator, in SimEvent e)
    {
        _eventsHandled++;
        long now = simulator.Now;
        switch (e.Kind)
        {
            case CheckpointDue:
                Close(now);
                _phase = TrainingPhase.Checkpoint;
                _progressEvent = simulator.Schedule(_checkpointWrite, this, CheckpointWritten);
                break;
            case CheckpointWritten:
                Close(now);
                _checkpointsWritten++;
                _savedWork = _work;
                _firstUnsavedSegment = _segments.Count;
                if (_plannedPending)
                {
                    _plannedPending = false;
                    BeginRestart(now);
                }
                else
                {
                    StartTraining();
                }

                break;
            case Finished:
                Close(now);
                _finished = true;
                simulator.Cancel(_failureEvent);
                simulator.Cancel(_plannedEvent);
                break;
            case Failure:
                OnFailure(now);
                break;
            case Planned:
                _plannedSeen++;
                _plannedEvent = simulator.Schedule(_plannedPeriod, this, Planned);
                if (_phase == TrainingPhase.Training)
                {
                    Close(now);
                    simulator.Cancel(_progressEvent);
                    _phase = TrainingPhase.Checkpoint;
                    _progressEvent = simulator.Schedule(_checkpointWrite, this, CheckpointWritten);
                }

                _plannedPending = _phase == TrainingPhase.Checkpoint;
                break;
            case RestartDone:
                Close(now);
                StartTraining();
                break;
            default:
                throw new UnreachableException($"unknown training event {e.Kind}");
        }
    }

    private void OnFailure(long now)
    {
        _causeCounts[SampleCause()]++;
        Close(now);
        for (int i = _firstUnsavedSegment; i < _segments.Count; i++)
        {
            if (_segments[i].Phase is TrainingPhase.Training or TrainingPhase.Checkpoint)
            {
                _segments[i] = _segments[i] with { Phase = TrainingPhase.Lost };
            }
        }

        _firstUnsavedSegment = _segments.Count;
        _work = _savedWork;
        _plannedPending = false;
        _sim.Cancel(_progressEvent);
        _sim.Cancel(_restartEvent);
        BeginRestart(now);
        _failureEvent = _sim.Schedule(NextFailureDelay(), this, Failure);
    }

    /// <summary>
    /// Time to the next failure, at least one tick; a draw past any run this simulator can finish (a failure rate near zero)
    /// is kept at <see cref="MaxSimulatedSeconds"/>, where it never fires.
    /// </summary>
    private long NextFailureDelay() => Math.Max(1, SimTime.FromSeconds(Math.Min(_failures.Exponential(_failureRate), MaxSimulatedSeconds)));

    /// <summary>The longest run simulated (100 years), well inside the clock's 292 years of nanoseconds.</summary>
    public const double MaxSimulatedSeconds = 100 * 365.25 * 86_400;

    /// <summary>
    /// Why <paramref name="job"/> cannot finish within <see cref="MaxSimulatedSeconds"/>, or null when it can: its steps and
    /// checkpoint writes alone, or with failures the expected time of checkpointed segments that each restart on a failure,
    /// (1/λ + restart)·(e^{λ(interval + write)} − 1) per segment. Loaders refuse such a job instead of running it into the
    /// clock's end or an endless loop of restarts.
    /// </summary>
    public static string? WhyUnfinishable(TrainingJob job)
    {
        double step = TrainingStepModel.Step(job).StepSeconds;
        double work = step * job.Steps;
        double rate = job.Failures.JobFailureRatePerSecond(job.Plan.Accelerators);
        double interval = Math.Max(step, job.Checkpoints.Interval(rate > 0 ? 1 / rate : double.PositiveInfinity));
        double write = job.Checkpoints.WriteSeconds;
        double segments = double.IsPositiveInfinity(interval) ? 1 : Math.Max(1, work / interval);
        double clean = work + (double.IsPositiveInfinity(interval) ? 0 : Math.Floor(work / interval) * write);
        const double Years = 365.25 * 86_400;
        if (!(clean <= MaxSimulatedSeconds))
        {
            return $"{job.Steps:N0} steps of {step:G3} s and their checkpoint writes take {clean / Years:G3} years of simulated time; a run is at most {MaxSimulatedSeconds / Years:N0} years";
        }

        if (rate > 0)
        {
            double segment = Math.Min(interval, work) + write;
            double expected = segments * ((1 / rate) + job.Failures.RestartSeconds) * (Math.Exp(rate * segment) - 1);
            if (!(expected <= MaxSimulatedSeconds))
            {
                return $"with a failure every {1 / rate:G3} s and {job.Failures.RestartSeconds:G3} s to restart, checkpointed segments of {segment:G3} s would take {expected / Years:G3} years on average to get through; a run is at most {MaxSimulatedSeconds / Years:N0} years";
            }
        }

        return null;
    }

    private void BeginRestart(long now)
    {
        _phase = TrainingPhase.Restart;
        _segmentStart = now;
        _restartEvent = _sim.Schedule(_restart, this, RestartDone);
    }

    private void StartTraining()
    {
        _phase = TrainingPhase.Training;
        _segmentStart = _sim.Now;
        long remaining = _totalWork - _work;
        _progressEvent = remaining <= _checkpointInterval
            ? _sim.Schedule(remaining, this, Finished)
            : _sim.Schedule(_checkpointInterval, this, CheckpointDue);
    }

    /// <summary>Books the stretch since the current phase began.</summary>
    private void Close(long now)
    {
        if (now > _segmentStart)
        {
            _segments.Add(new TrainingSegment(_segmentStart, now, _phase, _job.Plan.Accelerators));
            if (_phase == TrainingPhase.Training)
            {
                _work += now - _segmentStart;
            }
        }

        _segmentStart = now;
    }

    private int SampleCause()
    {
        double u = _causes.NextDouble(), sum = 0;
        var causes = _job.Failures.Causes;
        for (int i = 0; i < causes.Count - 1; i++)
        {
            sum += causes[i].Share;
            if (u < sum)
            {
                return i;
            }
        }

        return causes.Count - 1;
    }
}
