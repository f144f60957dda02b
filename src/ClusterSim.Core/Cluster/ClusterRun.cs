using ClusterSim.Core.Engine;
using ClusterSim.Core.Training;

namespace ClusterSim.Core.Cluster;

/// <summary>
/// One shared cluster on one clock: training jobs arrive, queue for their gang, run, checkpoint, are preempted or
/// resized and finish; serving deployments scale with their demand, cheapest placement first, each new replica held
/// through its cold start. Every <see cref="ClusterOptions.IntervalSeconds"/> the autoscaler and the cluster scheduler
/// decide; between decisions the books (accelerator-hours per workload, tokens demanded and served, energy) integrate
/// the state exactly, so hours are conserved whatever the interval.
/// </summary>
public sealed partial class ClusterRun : IEventHandler
{
    private const int Tick = 0, Submit = 1, RestartDone = 2, Finish = 3, ReplicaReady = 4, Failure = 5, MaintenanceStart = 6, MaintenanceEnd = 7;

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
    private readonly int[] _maintenancePool;   // each maintenance window's pool
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
        double UnitPrice(DeploymentPlacement p) => (options.Pools[poolIndex[p.Pool]].PricePerHour * p.AcceleratorsPerReplica)
            + (p.Decode is { } decode ? options.Pools[poolIndex[decode.Pool]].PricePerHour * decode.Accelerators : 0);
        _deployments = [.. options.Deployments.Select(d => new DeploymentState(
            d,
            [.. d.Placements.Select(p => poolIndex[p.Pool])],
            [.. d.Placements.Select(p => p.Decode is { } decode ? poolIndex[decode.Pool] : -1)],
            [.. d.Placements.Select(UnitPrice)])
        {
            Serving = d.Requests is { } requests ? new Inference.ServingCluster(requests, simulator) : null,
        })];
        _books = new ClusterBooks(options, _jobs, _deployments);
        _maintenancePool = [.. options.Maintenance.Select(w => poolIndex[w.Pool])];

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

        for (int w = 0; w < _options.Maintenance.Count; w++)
        {
            if (_options.Maintenance[w].StartSeconds < _options.HorizonSeconds)
            {
                _simulator.ScheduleAt(start + SimTime.FromSeconds(_options.Maintenance[w].StartSeconds), this, MaintenanceStart, w);
            }
        }

        // Decisions come after submissions, completions and maintenance at the same instant, so they see them.
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
                GrowElastic(now, harvest: _options.Policy == ClusterPolicy.Harvest);

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
            case MaintenanceStart:
                MaintenanceWindow window = _options.Maintenance[(int)e.Argument];
                _books.TakeOffline(_maintenancePool[e.Argument], window.Accelerators);
                MakeWay(now, _maintenancePool[e.Argument]);
                simulator.Schedule(Math.Max(1, SimTime.FromSeconds(window.Seconds)), this, MaintenanceEnd, e.Argument);
                if (window.EverySeconds > 0 && SimTime.ToSeconds(now - _start) + window.EverySeconds < _options.HorizonSeconds)
                {
                    simulator.Schedule(SimTime.FromSeconds(window.EverySeconds), this, MaintenanceStart, e.Argument);
                }

                break;
            case MaintenanceEnd:
                _books.TakeOffline(_maintenancePool[e.Argument], -_options.Maintenance[(int)e.Argument].Accelerators);
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
            for (int pool = 0; pool < _options.Pools.Count; pool++)
            {
                if (_deployments[d].Touches(pool))
                {
                    _observer!.DeploymentChanged(time, d, pool, _deployments[d].AcceleratorsOn(pool));
                }
            }
        }
    }
}
