using ClusterSim.Core.Engine;
using ClusterSim.Core.Training;

namespace ClusterSim.Core.Cluster;

/// <summary>
/// A training job's progress on a shared cluster. While it runs, tokens accrue at its accelerators' rate less the time
/// spent writing checkpoints (every <c>I</c> seconds of work, a write of <c>W</c>); a preemption keeps what the last
/// checkpoint holds and loses the rest; a resize checkpoints first and loses nothing; either pays a restart. An elastic
/// job's accelerators train at the step model's rate for the size it holds (<see cref="ClusterTrainingJob.TokensPerAcceleratorSecond"/>).
/// </summary>
internal sealed class JobState
{
    private readonly double _plannedPerAccelerator;   // tokens per accelerator-second at the planned size (its gang)
    private readonly double _plannedShare;   // the share of its time a job of the planned size trains between checkpoint writes
    private readonly Dictionary<int, double> _perAcceleratorAt = [];   // tokens per accelerator-second at the other sizes it has held
    private double _perAccelerator;   // the same at the size it holds now
    private double _lostPlannedTokens;   // tokens lost, each counted as the held accelerator-hours it took would train at the planned size
    private double _cycleSeconds;   // a checkpoint interval and its write at the size it holds
    private double _workShare;
    private long _segmentStart;
    private double _segmentTokens;
    private long _queuedSince;

    public JobState(ClusterTrainingJob spec, int pool, StepBreakdown step, RandomStream failures)
    {
        FailureStream = failures;
        FailureRatePerAcceleratorSecond = spec.Job.Failures.JobFailureRatePerSecond(1);
        Spec = spec;
        Pool = pool;
        TotalTokens = spec.Job.Tokens;
        _plannedPerAccelerator = step.TokensPerSecondPerAccelerator;
        _perAccelerator = _plannedPerAccelerator;
        CheckpointAt(spec.Gang);
        _plannedShare = _workShare;
        RestartNanos = SimTime.FromSeconds(spec.Job.Failures.RestartSeconds);
    }

    public ClusterTrainingJob Spec { get; }
    public int Pool { get; }
    public double TotalTokens { get; }
    /// <summary>Seconds of training between checkpoints at the size it holds (Young/Daly's shrink as a grown job fails more often).</summary>
    public double CheckpointIntervalSeconds { get; private set; }
    public long RestartNanos { get; }
    public JobPhase Phase { get; private set; } = JobPhase.Waiting;

    /// <summary>Accelerators it holds: its gang, more once grown, none while queued or done (setting it sets their rate).</summary>
    public int Held
    {
        get;
        private set
        {
            field = value;
            _perAccelerator = value == Spec.Gang || value == 0 ? _plannedPerAccelerator : PerAcceleratorAt(value);
            CheckpointAt(value == 0 ? Spec.Gang : value);
        }
    }

    public bool StartedBefore { get; private set; }
    public EventHandle Pending { get; set; }

    /// <summary>The job's next failure while it runs.</summary>
    public EventHandle Failure { get; set; }

    /// <summary>Where its failure times come from (its own stream, so other jobs cannot shift them).</summary>
    public RandomStream FailureStream { get; }

    /// <summary>Failures per accelerator-second from the job's failure model (0 when failures are off).</summary>
    public double FailureRatePerAcceleratorSecond { get; }

    public int Failures { get; private set; }

    /// <summary>When the job last began running (after a start, a restart or a resize).</summary>
    public long RunningSince => _segmentStart;

    public long QueuedNanos { get; private set; }

    /// <summary>Time spent queued up to <paramref name="now"/>, the wait in progress included.</summary>
    public long QueuedNanosAt(long now) => QueuedNanos + (Phase == JobPhase.Queued ? now - _queuedSince : 0);
    public long RestartingNanos { get; private set; }
    public int Preemptions { get; private set; }
    public int Resizes { get; private set; }
    public long? FinishedAt { get; private set; }

    /// <summary>Tokens per second while running, checkpoint writes included.</summary>
    public double Rate => Held * _perAccelerator * _workShare;

    /// <summary>
    /// An elastic job's tokens per accelerator-second at its <see cref="ClusterTrainingJob.ElasticMaxAccelerators"/> over
    /// those at its planned size (NaN for a job that does not grow).
    /// </summary>
    public double ElasticEfficiency => Spec.ElasticMaxAccelerators > Spec.Gang ? PerAcceleratorAt(Spec.ElasticMaxAccelerators) / _plannedPerAccelerator : double.NaN;

    /// <summary>Accelerator-hours held to train one token at the planned size, checkpoint writes included.</summary>
    private double PlannedAcceleratorHoursPerToken => 1 / (_plannedPerAccelerator * _plannedShare * 3600);

    /// <summary>Accelerator-hours that trained work a preemption or failure then lost (checkpoint writes included).</summary>
    public double LostAcceleratorHours => _lostPlannedTokens * PlannedAcceleratorHoursPerToken;

    public bool Active => Phase is JobPhase.Running or JobPhase.Restarting;

    /// <summary>Tokens trained by <paramref name="now"/>.</summary>
    public double Progress(long now) => Phase == JobPhase.Running ? Math.Min(TotalTokens, _segmentTokens + (Rate * SimTime.ToSeconds(now - _segmentStart))) : _segmentTokens;

    /// <summary>Tokens safe in the last checkpoint at <paramref name="now"/>.</summary>
    public double Saved(long now)
    {
        if (Phase != JobPhase.Running || double.IsPositiveInfinity(_cycleSeconds))
        {
            return _segmentTokens;
        }

        double cycles = Math.Floor(SimTime.ToSeconds(now - _segmentStart) / _cycleSeconds);
        return Math.Min(TotalTokens, _segmentTokens + (Rate * cycles * _cycleSeconds));
    }

    /// <summary>When, running as now, it reaches its last token.</summary>
    public long FinishTime => _segmentStart + Math.Max(1, SimTime.FromSeconds((TotalTokens - _segmentTokens) / Rate));

    public void Submit(long now)
    {
        Phase = JobPhase.Queued;
        _queuedSince = now;
    }

    /// <summary>Takes <paramref name="accelerators"/>; a job that ran before restarts from its checkpoint first.</summary>
    public void Start(long now, int accelerators)
    {
        QueuedNanos += now - _queuedSince;
        Held = accelerators;
        if (StartedBefore)
        {
            Phase = JobPhase.Restarting;
            _segmentStart = now;
        }
        else
        {
            StartedBefore = true;
            Run(now);
        }
    }

    /// <summary>The restart is over: training resumes.</summary>
    public void Run(long now)
    {
        if (Phase == JobPhase.Restarting)
        {
            RestartingNanos += now - _segmentStart;
        }

        Phase = JobPhase.Running;
        _segmentStart = now;
    }

    /// <summary>Gives its accelerators back, keeping what its last checkpoint holds.</summary>
    public void Preempt(long now) => Requeue(now, keep: Saved(now));

    /// <summary>Planned maintenance takes its accelerators: it checkpoints at the notice (no work lost) and queues again.</summary>
    public void Evict(long now) => Requeue(now, keep: Progress(now));

    /// <summary>Gives its accelerators back and queues for its gang again, keeping <paramref name="keep"/> tokens.</summary>
    private void Requeue(long now, double keep)
    {
        Stop(now, keep);
        Phase = JobPhase.Queued;
        Held = 0;
        _queuedSince = now;
        Preemptions++;
    }

    /// <summary>Checkpoints, changes to <paramref name="accelerators"/> and restarts: no work is lost.</summary>
    public void Resize(long now, int accelerators)
    {
        Stop(now, keep: Progress(now));
        Phase = JobPhase.Restarting;
        _segmentStart = now;
        Held = accelerators;
        Resizes++;
    }

    /// <summary>An accelerator failed: the job keeps its accelerators, loses what its last checkpoint lacks and restarts.</summary>
    public void Fail(long now)
    {
        Stop(now, keep: Saved(now));
        Phase = JobPhase.Restarting;
        _segmentStart = now;
        Failures++;
    }

    public void Finish(long now)
    {
        _segmentTokens = TotalTokens;
        Phase = JobPhase.Done;
        Held = 0;
        FinishedAt = now;
    }

    private void Stop(long now, double keep)
    {
        if (Phase == JobPhase.Running)
        {
            double lost = Progress(now) - keep;
            _lostPlannedTokens += Held == Spec.Gang ? lost : lost * (_plannedPerAccelerator * _plannedShare / (_perAccelerator * _workShare));
            _segmentTokens = keep;
        }
        else if (Phase == JobPhase.Restarting)
        {
            RestartingNanos += now - _segmentStart;
        }
    }

    /// <summary>Tokens per accelerator-second at <paramref name="accelerators"/>, from the step model once a size.</summary>
    private double PerAcceleratorAt(int accelerators)
    {
        if (!_perAcceleratorAt.TryGetValue(accelerators, out double rate))
        {
            rate = Spec.TokensPerAcceleratorSecond(accelerators);
            _perAcceleratorAt.Add(accelerators, rate);
        }

        return rate;
    }

    /// <summary>The checkpoint interval of the policy for a job of <paramref name="accelerators"/> (its failures grow with them) and the share of time it trains.</summary>
    private void CheckpointAt(int accelerators)
    {
        double failureRate = Spec.Job.Failures.JobFailureRatePerSecond(accelerators);
        double interval = Spec.Job.Checkpoints.Interval(failureRate > 0 ? 1 / failureRate : double.PositiveInfinity);
        double write = Spec.Job.Checkpoints.WriteSeconds;
        _cycleSeconds = double.IsFinite(interval) ? interval + write : double.PositiveInfinity;
        _workShare = double.IsFinite(interval) ? interval / (interval + write) : 1;
        CheckpointIntervalSeconds = interval;
    }
}
