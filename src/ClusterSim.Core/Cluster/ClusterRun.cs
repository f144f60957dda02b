using ClusterSim.Core.Engine;
using ClusterSim.Core.Performance;
using ClusterSim.Core.Training;

namespace ClusterSim.Core.Cluster;

/// <summary>
/// One shared cluster on one clock: training jobs arrive, queue for their gang, run, checkpoint, are preempted or
/// resized and finish; serving deployments scale with their demand, cheapest placement first, each new replica held
/// through its cold start. Every <see cref="ClusterOptions.IntervalSeconds"/> the autoscaler and the cluster scheduler
/// decide; between decisions the books (accelerator-hours per workload, tokens demanded and served, energy) integrate
/// the state exactly, so hours are conserved whatever the interval.
/// </summary>
public sealed class ClusterRun : IEventHandler
{
    private const int Tick = 0, Submit = 1, RestartDone = 2, Finish = 3, ReplicaReady = 4, Failure = 5;

    private readonly ClusterOptions _options;
    private readonly Simulator _simulator;
    private readonly JobState[] _jobs;
    private readonly DeploymentState[] _deployments;
    private readonly ClusterBooks _books;
    private readonly long _horizon;
    private readonly long _interval;
    private readonly int[] _byPrecedence;
    private readonly int[] _byVictimOrder;
    private readonly IClusterObserver? _observer;
    private readonly JobPhase[] _seenPhase;
    private readonly int[] _seenHeld;
    private long _start;

    /// <summary>Prepares a run of <paramref name="options"/> on <paramref name="simulator"/>, the clock it shares with anything else scheduled there.</summary>
    /// <remarks>An <paramref name="observer"/> sees every placement change (for a timeline) and changes nothing.</remarks>
    public ClusterRun(ClusterOptions options, Simulator simulator, IClusterObserver? observer = null)
    {
        _observer = observer;
        _options = options.Validated();
        _simulator = simulator;
        var poolIndex = options.Pools.Select((p, i) => (p.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        var streams = new RandomStreams(options.Seed);
        _jobs = [.. options.Jobs.Select(j => new JobState(j, poolIndex[j.Pool], TrainingStepModel.Step(j.Job), streams.For($"cluster.failures.{j.Name}")))];
        _deployments = [.. options.Deployments.Select(d => new DeploymentState(
            d,
            [.. d.Placements.Select(p => poolIndex[p.Pool])],
            [.. d.Placements.Select(p => options.Pools[poolIndex[p.Pool]].PricePerHour)])
        {
            Serving = d.Requests is { } requests ? new Inference.ServingCluster(requests, simulator) : null,
        })];
        _books = new ClusterBooks(options, _jobs, _deployments);

        _seenPhase = new JobPhase[_jobs.Length];
        _seenHeld = new int[_jobs.Length];

        // Orders fixed for the run, so decisions allocate nothing: who starts (and grows) first, who is taken from first.
        _byPrecedence = [.. Enumerable.Range(0, _jobs.Length).OrderByDescending(j => _jobs[j].Spec.Priority).ThenBy(j => _jobs[j].Spec.SubmitSeconds).ThenBy(j => j)];
        _byVictimOrder = [.. Enumerable.Range(0, _jobs.Length).OrderBy(j => _jobs[j].Spec.Priority).ThenByDescending(j => _jobs[j].Spec.SubmitSeconds).ThenByDescending(j => j)];
        _horizon = SimTime.FromSeconds(options.HorizonSeconds);
        _interval = SimTime.FromSeconds(options.IntervalSeconds);
    }

    /// <summary>Runs to the horizon and returns the books.</summary>
    public ClusterResult Run()
    {
        long start = _start = _simulator.Now;
        _books.Open(start);
        foreach (DeploymentState dep in _deployments)
        {
            dep.Serving?.Start();
        }

        for (int j = 0; j < _jobs.Length; j++)
        {
            _simulator.ScheduleAt(start + SimTime.FromSeconds(_jobs[j].Spec.SubmitSeconds), this, Submit, j);
        }

        // Decisions come after submissions and completions at the same instant, so they see them.
        _simulator.ScheduleAt(start, this, Tick, priority: EventPriority.IterationEnd);
        _simulator.Run(start + _horizon);
        _books.Advance(start + _horizon);
        _books.Record(start + _horizon, final: true);
        return _books.Result(_simulator.EventsFired);
    }

    /// <inheritdoc/>
    /// <summary>Checks the cluster's books and every simulated serving fleet's (see <see cref="ClusterBooks.AssertInvariants"/>); throws on the first broken invariant.</summary>
    public void AssertInvariants()
    {
        _books.AssertInvariants();
        foreach (DeploymentState dep in _deployments)
        {
            dep.Serving?.AssertInvariants();
        }
    }

    public void OnEvent(Simulator simulator, in SimEvent e)
    {
        long now = e.Time;
        _books.Advance(now);
        switch (e.Kind)
        {
            case Tick:
                ReturnDrained();
                ScaleServing(now);
                StartTraining(now);
                if (_options.Policy == ClusterPolicy.Harvest)
                {
                    GrowElastic(now);
                }

                _books.Record(now, final: false);
                if (now + _interval < _start + _horizon)
                {
                    simulator.Schedule(_interval, this, Tick, priority: EventPriority.IterationEnd);
                }

                break;
            case Submit:
                _jobs[e.Argument].Submit(now);
                StartTraining(now);
                break;
            case RestartDone:
                JobState restarted = _jobs[e.Argument];
                restarted.Run(now);
                Resume((int)e.Argument, restarted);
                break;
            case Failure:
                JobState failed = _jobs[e.Argument];
                Cancel(failed);
                failed.Fail(now);
                failed.Pending = simulator.Schedule(Math.Max(1, failed.RestartNanos), this, RestartDone, e.Argument);
                break;
            case Finish:
                Cancel(_jobs[e.Argument]);
                _jobs[e.Argument].Finish(now);
                StartTraining(now);
                break;
            case ReplicaReady:
                // One cold start per deployment, so batches become ready in the order they were asked for.
                int d = (int)(e.Argument >> 32), p = (int)(e.Argument & 0xFFFF_FFFF);
                DeploymentState deployment = _deployments[d];
                int loaded = deployment.Loading[p][0].Count;
                deployment.Ready[p] += loaded;
                deployment.Loading[p].RemoveAt(0);
                for (int k = 0; k < loaded && deployment.Serving is { } fleet; k++)
                {
                    deployment.Active[p].Add(fleet.AddReplica(p));
                }

                break;
        }

        if (_observer is not null)
        {
            Report(now);
        }
    }

    /// <summary>Tells the observer what changed with this event.</summary>
    private void Report(long now)
    {
        long time = now - _start;
        for (int j = 0; j < _jobs.Length; j++)
        {
            if (_jobs[j].Phase != _seenPhase[j] || _jobs[j].Held != _seenHeld[j])
            {
                _seenPhase[j] = _jobs[j].Phase;
                _seenHeld[j] = _jobs[j].Held;
                _observer!.JobChanged(time, j, _jobs[j].Phase, _jobs[j].Held);
            }
        }

        for (int d = 0; d < _deployments.Length; d++)
        {
            for (int p = 0; p < _deployments[d].Pools.Length; p++)
            {
                _observer!.DeploymentChanged(time, d, _deployments[d].Pools[p], _deployments[d].Accelerators(p));
            }
        }
    }

    /// <summary>
    /// Sizes every launched deployment for the coming interval's peak. A surplus is let go from the dearest placement
    /// first; a shortfall is met from idle accelerators, cheapest placement per token first, and only then (where the
    /// policy allows) from training, so serving does not preempt a job while another pool sits idle.
    /// </summary>
    private void ScaleServing(long now)
    {
        double seconds = SimTime.ToSeconds(now - _start);
        for (int d = 0; d < _deployments.Length; d++)
        {
            DeploymentState dep = _deployments[d];
            if (seconds + _options.IntervalSeconds < dep.Spec.LaunchSeconds)
            {
                continue;
            }

            double peak = Math.Max(dep.DemandAt(seconds), dep.DemandAt(seconds + _options.IntervalSeconds));
            double floor = dep.Spec.MinReplicas * dep.Spec.Placements[dep.Order[0]].ReplicaTokensPerSecond;
            double need = Math.Max(floor, peak / (1 - dep.Spec.Headroom));
            double held = Held(dep);
            if (held > need)
            {
                for (int k = dep.Order.Length - 1; k >= 0; k--)
                {
                    int p = dep.Order[k];
                    double per = dep.Spec.Placements[p].ReplicaTokensPerSecond;
                    int surplus = Math.Min(dep.Replicas(p), (int)Math.Floor((held - need) / per));
                    if (surplus > 0)
                    {
                        Release(dep, p, surplus);
                        held -= surplus * per;
                    }
                }

                continue;
            }

            for (int pass = 0; pass < (_options.Policy == ClusterPolicy.Static ? 1 : 2); pass++)
            {
                bool reclaim = pass == 1;
                foreach (int p in dep.Order)
                {
                    double shortfall = need - Held(dep);
                    if (shortfall <= 0)
                    {
                        break;
                    }

                    Acquire(now, d, p, (int)Math.Ceiling(shortfall / dep.Spec.Placements[p].ReplicaTokensPerSecond), reclaim);
                }
            }
        }
    }

    /// <summary>Output tokens per second a deployment's replicas hold at the SLO once loaded.</summary>
    private static double Held(DeploymentState dep)
    {
        double held = 0;
        for (int p = 0; p < dep.Pools.Length; p++)
        {
            held += dep.Replicas(p) * dep.Spec.Placements[p].ReplicaTokensPerSecond;
        }

        return held;
    }

    /// <summary>Starts up to <paramref name="replicas"/> replicas, taking accelerators from training first when <paramref name="reclaim"/> is set.</summary>
    private void Acquire(long now, int d, int p, int replicas, bool reclaim)
    {
        DeploymentState dep = _deployments[d];
        int pool = dep.Pools[p];
        int size = dep.Spec.Placements[p].AcceleratorsPerReplica;
        if (reclaim && ServingFree(pool) < replicas * size)
        {
            Reclaim(now, pool, (replicas * size) - ServingFree(pool));
        }

        int granted = Math.Min(replicas, ServingFree(pool) / size);
        if (granted <= 0)
        {
            return;
        }

        long key = ((long)d << 32) | (uint)p;
        EventHandle handle = _simulator.Schedule(Math.Max(1, SimTime.FromSeconds(dep.Spec.ColdStartSeconds)), this, ReplicaReady, key);
        dep.Loading[p].Add((handle, granted));
    }

    /// <summary>Lets replicas go, those still loading first.</summary>
    private void Release(DeploymentState dep, int p, int replicas)
    {
        int left = replicas;
        for (int i = dep.Loading[p].Count - 1; i >= 0 && left > 0; i--)
        {
            (EventHandle handle, int count) = dep.Loading[p][i];
            int drop = Math.Min(left, count);
            if (drop == count)
            {
                _simulator.Cancel(handle);
                dep.Loading[p].RemoveAt(i);
            }
            else
            {
                dep.Loading[p][i] = (handle, count - drop);
            }

            left -= drop;
        }

        int stopping = Math.Min(left, dep.Ready[p]);
        dep.Ready[p] -= stopping;
        for (int k = 0; k < stopping && dep.Serving is { } fleet; k++)
        {
            // A request-level replica stops taking requests and holds its accelerators until it has finished its own.
            int index = dep.Active[p][^1];
            dep.Active[p].RemoveAt(dep.Active[p].Count - 1);
            fleet.Drain(index);
            dep.Draining.Add((index, p));
        }
    }

    /// <summary>Request level: drained replicas with nothing left to serve give their accelerators back.</summary>
    private void ReturnDrained()
    {
        foreach (DeploymentState dep in _deployments)
        {
            if (dep.Serving is { } fleet)
            {
                dep.Draining.RemoveAll(d => fleet.Outstanding(d.Index) == 0);
            }
        }
    }

    /// <summary>
    /// Frees <paramref name="needed"/> accelerators of a pool for serving: shrinks harvested extras (by what serving will
    /// want over the harvest look-ahead, so one shrink serves a whole ramp), then preempts preemptible jobs, lowest
    /// priority and latest first.
    /// </summary>
    private void Reclaim(long now, int pool, int needed)
    {
        int shrinkTo = _options.Policy == ClusterPolicy.Harvest ? Math.Max(needed, ServingNeedAhead(pool, now) - ServingFree(pool)) : needed;
        int freed = 0;
        foreach (int j in _byVictimOrder)
        {
            JobState job = _jobs[j];
            int extra = job.Held - job.Spec.Gang;
            if (job.Pool != pool || !job.Active || freed >= shrinkTo || extra <= 0)
            {
                continue;
            }

            int shrink = Math.Min(extra, (int)Math.Ceiling((shrinkTo - freed) / (double)job.Spec.ReplicaSize) * job.Spec.ReplicaSize);
            Cancel(job);
            job.Resize(now, job.Held - shrink);
            freed += shrink;
            _jobs[j].Pending = _simulator.Schedule(Math.Max(1, job.RestartNanos), this, RestartDone, j);
        }

        foreach (int j in _byVictimOrder)
        {
            JobState job = _jobs[j];
            if (job.Pool != pool || freed >= needed || !job.Spec.Preemptible || !job.Active)
            {
                continue;
            }

            Cancel(job);
            freed += job.Held;
            job.Preempt(now);
        }
    }

    /// <summary>Starts queued jobs whose gang fits, highest priority and earliest first; a job that does not fit lets smaller ones behind it start.</summary>
    private void StartTraining(long now)
    {
        foreach (int j in _byPrecedence)
        {
            JobState job = _jobs[j];
            if (job.Phase != JobPhase.Queued || job.Spec.Gang > TrainingFree(job.Pool))
            {
                continue;
            }

            job.Start(now, job.Spec.Gang);
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
    /// Harvesting: elastic jobs grow, in whole data-parallel replicas, into what serving and queued jobs leave idle and
    /// serving's own forecast says will stay idle over <see cref="ClusterOptions.HarvestLookaheadSeconds"/>. A job grows
    /// only after it has run undisturbed for that long, so a diurnal swing costs it a few resizes a day, not one a tick.
    /// </summary>
    private void GrowElastic(long now)
    {
        long dwell = SimTime.FromSeconds(_options.HarvestLookaheadSeconds);
        foreach (int j in _byPrecedence)
        {
            JobState job = _jobs[j];
            if (job.Phase != JobPhase.Running || job.Spec.ElasticMaxAccelerators <= job.Held || now - job.RunningSince < dwell)
            {
                continue;
            }

            int unit = job.Spec.ReplicaSize;
            int spare = TrainingFree(job.Pool) - ServingNeedAhead(job.Pool, now);
            int grow = Math.Min(job.Spec.ElasticMaxAccelerators - job.Held, Math.Max(0, spare) / unit * unit);
            if (grow <= 0)
            {
                continue;
            }

            Cancel(job);
            job.Resize(now, job.Held + grow);
            job.Pending = _simulator.Schedule(Math.Max(1, job.RestartNanos), this, RestartDone, j);
        }
    }

    /// <summary>
    /// The most accelerators of <paramref name="pool"/> serving will want beyond what it holds, over the harvest
    /// look-ahead: each deployment's shortfall against its coming peaks, as if all of it landed on this pool.
    /// </summary>
    private int ServingNeedAhead(int pool, long now)
    {
        double start = SimTime.ToSeconds(now - _start);
        int most = 0;
        for (double s = start; s <= start + _options.HarvestLookaheadSeconds; s += _options.IntervalSeconds)
        {
            int need = 0;
            foreach (DeploymentState dep in _deployments)
            {
                int p = Array.IndexOf(dep.Pools, pool);
                if (p < 0)
                {
                    continue;
                }

                double held = Held(dep);
                double shortfall = (Math.Max(dep.DemandAt(s), dep.DemandAt(s + _options.IntervalSeconds)) / (1 - dep.Spec.Headroom)) - held;
                DeploymentPlacement placement = dep.Spec.Placements[p];
                need += shortfall > 0 ? (int)Math.Ceiling(shortfall / placement.ReplicaTokensPerSecond) * placement.AcceleratorsPerReplica : 0;
            }

            most = Math.Max(most, need);
        }

        return most;
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

    private int ServingFree(int pool) => _options.Policy == ClusterPolicy.Static
        ? Math.Min(_books.Free(pool), _options.Pools[pool].ServingReserve - _books.ServingHeld(pool))
        : _books.Free(pool);

    private int TrainingFree(int pool) => _options.Policy == ClusterPolicy.Static
        ? Math.Min(_books.Free(pool), _options.Pools[pool].Count - _options.Pools[pool].ServingReserve - _books.TrainingHeld(pool))
        : _books.Free(pool);
}
