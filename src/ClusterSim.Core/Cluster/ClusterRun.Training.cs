using ClusterSim.Core.Engine;

namespace ClusterSim.Core.Cluster;

// Training's side: queued jobs started when their gang fits, elastic ones grown, a running job's finish and next failure scheduled (and cancelled when it stops).
public sealed partial class ClusterRun
{
    /// <summary>
    /// Starts queued jobs whose gang fits — or, for a job with an <see cref="ClusterTrainingJob.ElasticMinAccelerators"/>,
    /// as many whole units of it as fit from that minimum up (it grows to its gang later) — highest priority and earliest
    /// first; a job that does not fit lets smaller ones behind it start.
    /// </summary>
    private void StartTraining(long now)
    {
        foreach (int j in _byPrecedence)
        {
            JobState job = _jobs[j];
            if (job.Phase != JobPhase.Queued)
            {
                continue;
            }

            int free = TrainingFree(job.Pool);
            if (job.Spec.ElasticFloor > free)
            {
                continue;
            }

            int unit = job.Spec.ElasticUnit;
            job.Start(now, Math.Min(job.Spec.Gang, job.Spec.ElasticFloor + ((free - job.Spec.ElasticFloor) / unit * unit)));
            if (job.Phase == JobPhase.Restarting)
            {
                job.Pending = _simulator.Schedule(Math.Max(1, job.RestartNanos), this, RestartDone, j);
            }
            else
            {
                Resume(j, job);
            }
        }
    }

    /// <summary>
    /// Elastic jobs grow, in whole <see cref="ClusterTrainingJob.ElasticUnit"/>s, into what serving and queued jobs leave
    /// idle and serving's own forecast says will stay idle over <see cref="ClusterOptions.HarvestLookaheadSeconds"/>:
    /// harvesting, up to their <see cref="ClusterTrainingJob.ElasticMaxAccelerators"/>; otherwise a job shrunk below its
    /// gang back to it. A job grows only after it has run undisturbed for that long, so a diurnal swing costs it a few
    /// resizes a day, not one a tick.
    /// </summary>
    private void GrowElastic(long now, bool harvest)
    {
        long dwell = SimTime.FromSeconds(_options.HarvestLookaheadSeconds);
        foreach (int j in _byPrecedence)
        {
            JobState job = _jobs[j];
            int ceiling = harvest ? Math.Max(job.Spec.Gang, job.Spec.ElasticMaxAccelerators) : job.Spec.Gang;
            if (job.Phase != JobPhase.Running || ceiling <= job.Held || now - job.RunningSince < dwell)
            {
                continue;
            }

            int unit = job.Spec.ElasticUnit;
            int spare = TrainingFree(job.Pool) - ServingNeedAhead(job.Pool, now);
            int grow = Math.Min(ceiling - job.Held, Math.Max(0, spare) / unit * unit);
            if (grow <= 0)
            {
                continue;
            }

            Cancel(job);
            job.Resize(now, job.Held + grow);
            job.Pending = _simulator.Schedule(Math.Max(1, job.RestartNanos), this, RestartDone, j);
        }
    }

    /// <summary>A job has just begun running: when it will finish, and (memoryless, so drawn afresh) when it will next fail.</summary>
    private void Resume(int j, JobState job)
    {
        job.Pending = _simulator.ScheduleAt(job.FinishTime, this, Finish, j);
        if (job.FailureRatePerAcceleratorSecond > 0)
        {
            double seconds = job.FailureStream.Exponential(job.FailureRatePerAcceleratorSecond * job.Held);
            if (seconds < _options.HorizonSeconds)
            {
                job.Failure = _simulator.Schedule(Math.Max(1, SimTime.FromSeconds(seconds)), this, Failure, j);
            }
        }
    }

    /// <summary>Whatever the job was waiting for (its finish, its restart, its next failure) no longer applies.</summary>
    private void Cancel(JobState job)
    {
        if (_simulator.IsPending(job.Pending))
        {
            _simulator.Cancel(job.Pending);
        }

        if (_simulator.IsPending(job.Failure))
        {
            _simulator.Cancel(job.Failure);
        }
    }

    private int TrainingFree(int pool) => _options.Policy == ClusterPolicy.Static
        ? Math.Min(_books.Free(pool), _options.Pools[pool].Count - _options.Pools[pool].ServingReserve - _books.TrainingHeld(pool))
        : _books.Free(pool);
}
