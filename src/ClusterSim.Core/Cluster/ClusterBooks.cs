using ClusterSim.Core.Economics;
using ClusterSim.Core.Engine;
using ClusterSim.Core.Metrics;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Cluster;

/// <summary>
/// The cluster's accounts: who holds which accelerators (read from the workloads' own state, never kept twice),
/// accelerator-hours, energy and dollars per workload and per pool's idle capacity, integrated between events, and the
/// time series sampled at each decision.
/// </summary>
internal sealed class ClusterBooks
{
    private readonly ClusterOptions _options;
    private readonly JobState[] _jobs;
    private readonly DeploymentState[] _deployments;
    private readonly double[] _workloadHours;
    private readonly double[] _workloadUsd;
    private readonly double[] _workloadKwh;
    private readonly double[] _idleHours;
    private readonly double[] _idleUsd;
    private readonly double[] _idleKwh;
    private readonly int[] _wanted;   // accelerators of each pool the maintenance windows open now take
    private readonly double[] _maintenanceHours;
    private readonly double[] _maintenanceUsd;
    private readonly bool[] _maintained;   // pools some maintenance window takes from (they get a series column)
    private readonly List<double> _times = [];
    private readonly List<double>[] _columns;
    private readonly string[] _columnNames;
    private readonly string[] _columnUnits;
    private readonly (string Stream, int[] Jobs)[][] _streamsByPool;
    private readonly int[][] _deploymentsByPool;
    private long _last;
    private long _origin;
    private bool _overbooked;

    public ClusterBooks(ClusterOptions options, JobState[] jobs, DeploymentState[] deployments)
    {
        _options = options;
        _jobs = jobs;
        _deployments = deployments;
        int workloads = jobs.Length + deployments.Length;
        _workloadHours = new double[workloads];
        _workloadUsd = new double[workloads];
        _workloadKwh = new double[workloads];
        _idleHours = new double[options.Pools.Count];
        _idleUsd = new double[options.Pools.Count];
        _idleKwh = new double[options.Pools.Count];
        _wanted = new int[options.Pools.Count];
        _maintenanceHours = new double[options.Pools.Count];
        _maintenanceUsd = new double[options.Pools.Count];
        _maintained = [.. options.Pools.Select(p => options.Maintenance.Any(w => w.Pool == p.Name))];

        _streamsByPool = [.. Enumerable.Range(0, options.Pools.Count).Select(pool => StreamsIn(pool).Select(stream => (stream, Enumerable.Range(0, jobs.Length).Where(j => jobs[j].Pool == pool && jobs[j].Spec.Stream == stream).ToArray())).ToArray())];
        _deploymentsByPool = [.. Enumerable.Range(0, options.Pools.Count).Select(pool => Enumerable.Range(0, deployments.Length).Where(d => deployments[d].Touches(pool)).ToArray())];
        var names = new List<(string Name, string Unit)>();
        for (int pool = 0; pool < options.Pools.Count; pool++)
        {
            string prefix = $"pool.{options.Pools[pool].Name}.";
            names.AddRange(StreamsIn(pool).Select(stream => (prefix + stream, "accelerators")));
            names.AddRange(deployments.Where(d => d.Touches(pool)).Select(d => (prefix + d.Spec.Name, "accelerators")));
            names.Add((prefix + "idle", "accelerators"));
            if (_maintained[pool])
            {
                names.Add((prefix + "maintenance", "accelerators"));
            }
        }

        names.AddRange(deployments.Select(d => ($"slo.{d.Spec.Name}", "share")));
        names.AddRange(jobs.Where(j => j.Spec.Stream == j.Spec.Name).Select(j => ($"progress.{j.Spec.Name}", "share")));
        _columnNames = [.. names.Select(n => n.Name)];
        _columnUnits = [.. names.Select(n => n.Unit)];
        _columns = [.. names.Select(_ => new List<double>())];
    }

    /// <summary>Starts the books at <paramref name="start"/>, the cluster's time zero.</summary>
    public void Open(long start) => _last = _origin = start;

    /// <summary>Accelerators of <paramref name="pool"/> no workload holds and no maintenance takes.</summary>
    public int Free(int pool) => _options.Pools[pool].Count - TrainingHeld(pool) - ServingHeld(pool) - Offline(pool);

    /// <summary>
    /// Accelerators of <paramref name="pool"/> in maintenance now: what the open windows take, as far as no workload still
    /// holds them (a request-level replica drains its requests first; the rest make way at once).
    /// </summary>
    public int Offline(int pool) =>
        _wanted[pool] == 0 ? 0 : Math.Max(0, Math.Min(Wanted(pool), _options.Pools[pool].Count - TrainingHeld(pool) - ServingHeld(pool)));

    /// <summary>What the open windows on <paramref name="pool"/> take: overlapping ones take the pool at most.</summary>
    private int Wanted(int pool) => Math.Min(_wanted[pool], _options.Pools[pool].Count);

    /// <summary>
    /// Accelerators of <paramref name="pool"/> its open maintenance windows still need from workloads: what they take
    /// beyond the idle ones and those request-level replicas already draining will give back.
    /// </summary>
    public int MaintenanceShortfall(int pool) => Wanted(pool) - (_options.Pools[pool].Count - TrainingHeld(pool) - ServingHeld(pool)) - Draining(pool);

    /// <summary>Accelerators of <paramref name="pool"/> held by request-level replicas that are finishing their requests.</summary>
    private int Draining(int pool)
    {
        int draining = 0;
        foreach (DeploymentState dep in _deployments)
        {
            for (int p = 0; p < dep.Pools.Length; p++)
            {
                draining += dep.DrainingCount(p) * dep.UnitAcceleratorsOn(p, pool);
            }
        }

        return draining;
    }

    /// <summary>A maintenance window takes <paramref name="accelerators"/> of <paramref name="pool"/> (negative: gives them back).</summary>
    public void TakeOffline(int pool, int accelerators) => _wanted[pool] += accelerators;

    public int TrainingHeld(int pool)
    {
        int held = 0;
        foreach (JobState job in _jobs)
        {
            held += job.Pool == pool ? job.Held : 0;
        }

        return held;
    }

    public int ServingHeld(int pool)
    {
        int held = 0;
        foreach (DeploymentState dep in _deployments)
        {
            held += dep.AcceleratorsOn(pool);
        }

        return held;
    }

    /// <summary>Books everything from the last event to <paramref name="now"/>: the state did not change in between.</summary>
    public void Advance(long now)
    {
        double seconds = SimTime.ToSeconds(now - _last);
        if (seconds <= 0)
        {
            return;
        }

        double hours = seconds / 3600;
        EnergyModel energy = _options.Energy;
        for (int j = 0; j < _jobs.Length; j++)
        {
            JobState job = _jobs[j];
            if (job.Held == 0)
            {
                continue;
            }

            AcceleratorPool pool = _options.Pools[job.Pool];
            double draw = job.Phase == JobPhase.Running ? job.Spec.Job.PowerFraction : _options.Energy.IdleFraction;
            Book(j, pool, job.Held * hours, energy.KwhAtDraw(Tdp(pool), job.Held * hours, draw));
        }

        double middle = SimTime.ToSeconds(((_last + now) / 2) - _origin);
        double from = SimTime.ToSeconds(_last - _origin), to = SimTime.ToSeconds(now - _origin);
        for (int d = 0; d < _deployments.Length; d++)
        {
            DeploymentState dep = _deployments[d];
            double demand = dep.BookedDemand(from, to, middle);
            double capacity = dep.Capacity;
            double served = Math.Min(demand, capacity);
            dep.DemandTokens += demand * seconds;
            dep.ServedTokens += served * seconds;
            dep.IntervalDemand += demand * seconds;
            dep.IntervalServed += served * seconds;
            for (int p = 0; p < dep.Pools.Length; p++)
            {
                DeploymentPlacement placement = dep.Spec.Placements[p];
                double load = capacity > 0 ? served / capacity : 0;   // the share of the fleet's capacity in use
                dep.ReplicaSeconds += dep.Replicas(p) * seconds;
                BookPart(d, p, dep.Pools[p], placement.AcceleratorsPerReplica, hours, load * placement.ReplicaUtilisation);
                if (placement.Decode is { } decode)
                {
                    BookPart(d, p, dep.DecodePools[p], decode.Accelerators, hours, load * decode.Utilisation);   // each part at its own measured busy share
                }
            }
        }

        for (int pool = 0; pool < _options.Pools.Count; pool++)
        {
            AcceleratorPool spec = _options.Pools[pool];
            int free = Free(pool), offline = Offline(pool);
            _overbooked |= free < 0;
            double idleHours = free * hours;
            double kwh = energy.KwhAtDraw(Tdp(spec), idleHours, energy.IdleFraction);
            _idleHours[pool] += idleHours;
            _idleKwh[pool] += kwh;
            _idleUsd[pool] += (idleHours * spec.PricePerHour) + (kwh * _options.Energy.UsdPerKwh);
            if (offline > 0)
            {
                // Powered off for the work: no energy, but the accelerators are paid for all the same.
                _maintenanceHours[pool] += offline * hours;
                _maintenanceUsd[pool] += offline * hours * spec.PricePerHour;
            }
        }

        foreach (DeploymentState dep in _deployments)
        {
            dep.PeakAccelerators = Math.Max(dep.PeakAccelerators, dep.AllAccelerators);
        }

        _last = now;
    }

    /// <summary>Adds a row of the time series: who holds what after the decisions at <paramref name="now"/>, each deployment's share of demand served since the last row, each job's progress.</summary>
    public void Record(long now, bool final)
    {
        double time = SimTime.ToSeconds(now - _origin);
        if (final && _times.Count > 0 && _times[^1] >= time)
        {
            return;
        }

        _times.Add(time);
        int c = 0;
        for (int pool = 0; pool < _options.Pools.Count; pool++)
        {
            foreach ((_, int[] members) in _streamsByPool[pool])
            {
                int held = 0;
                foreach (int j in members)
                {
                    held += _jobs[j].Held;
                }

                _columns[c++].Add(held);
            }

            foreach (int d in _deploymentsByPool[pool])
            {
                _columns[c++].Add(_deployments[d].AcceleratorsOn(pool));
            }

            _columns[c++].Add(Free(pool));
            if (_maintained[pool])
            {
                _columns[c++].Add(Offline(pool));
            }
        }

        foreach (DeploymentState dep in _deployments)
        {
            if (dep.Serving is { } fleet)
            {
                // Request level: the share of requests finished (or dropped) since the last row that met the SLO; with none
                // finished, none (0) while a request already waits past the SLO's first token (a fleet still loading holds
                // its demand so, as the capacity level's row says), else all (1: nothing asked was missed).
                var counts = (fleet.Metrics.Completed, fleet.Metrics.Dropped, fleet.Metrics.MeetingSlo);
                long finished = counts.Completed + counts.Dropped - dep.LastCounts.Completed - dep.LastCounts.Dropped;
                _columns[c++].Add(finished > 0 ? (counts.MeetingSlo - dep.LastCounts.MeetingSlo) / (double)finished : fleet.HasLateRequest(now) ? 0 : 1);
                dep.LastCounts = counts;
            }
            else
            {
                _columns[c++].Add(dep.IntervalDemand > 0 ? dep.IntervalServed / dep.IntervalDemand : 1);
            }

            dep.IntervalDemand = dep.IntervalServed = 0;
        }

        foreach (JobState job in _jobs)
        {
            if (job.Spec.Stream == job.Spec.Name)
            {
                _columns[c++].Add(job.Progress(now) / job.TotalTokens);
            }
        }
    }

    public ClusterResult Result(long events) => new()
    {
        Options = _options,
        Jobs = [.. _jobs.Select((j, i) => JobOutcome(j, i))],
        Deployments = [.. _deployments.Select((d, i) => DeploymentOutcome(d, _jobs.Length + i))],
        IdleHours = _idleHours,
        IdleUsd = _idleUsd,
        IdleKwh = _idleKwh,
        MaintenanceHours = _maintenanceHours,
        MaintenanceUsd = _maintenanceUsd,
        Overbooked = _overbooked,
        Series = new SeriesTable([.. _times], [.. _columns.Select((values, i) => new SeriesColumn(_columnNames[i], _columnUnits[i], [.. values]))]),
        EventsFired = events,
    };

    private ClusterJobOutcome JobOutcome(JobState job, int w) => new(
        job.Spec.Name,
        job.Spec.Stream,
        job.Spec.Pool,
        job.FinishedAt is { } end ? SimTime.ToSeconds(end - _origin) - job.Spec.SubmitSeconds : double.NaN,
        job.Progress(_last) / job.TotalTokens,
        SimTime.ToSeconds(job.QueuedNanosAt(_last)),
        job.Preemptions,
        job.Resizes,
        job.Failures,
        job.LostAcceleratorHours,
        SimTime.ToSeconds(job.RestartingNanos),
        _workloadHours[w],
        _workloadUsd[w],
        _workloadKwh[w],
        job.ElasticEfficiency);

    private ClusterDeploymentOutcome DeploymentOutcome(DeploymentState dep, int w) => new(
        dep.Spec.Name,
        dep.DemandTokens,
        dep.Serving?.Metrics.OutputTokens ?? dep.ServedTokens,
        dep.ReplicaSeconds / Math.Max(1e-9, SimTime.ToSeconds(_last - _origin)),
        dep.PeakAccelerators,
        _workloadHours[w],
        _workloadUsd[w],
        _workloadKwh[w])
    {
        Requests = dep.Serving is { Metrics: var m } fleet
            ? new RequestCounts(m.Arrived, m.Completed, m.Dropped, m.MeetingSlo, fleet.InFlight, m.OverContext, m.ServerCapsOutput ? m.CutAtContext : null)
            {
                PrefilledLocally = m.PrefilledLocally,
            }
            : null,
    };

    /// <summary>The job streams placed on a pool, in the order their first job is listed.</summary>
    private IEnumerable<string> StreamsIn(int pool) => _jobs.Where(j => j.Pool == pool).Select(j => j.Spec.Stream).Distinct(StringComparer.Ordinal);

    /// <summary>
    /// Books <paramref name="hours"/> of placement <paramref name="p"/> of deployment <paramref name="d"/> on one pool, at
    /// <paramref name="size"/> accelerators a replica there. Draining replicas (request level) still hold their accelerators
    /// while they finish their requests: they are booked as serving, as they are counted as held (ServingHeld), so every
    /// held hour lands in one account.
    /// </summary>
    private void BookPart(int d, int p, int poolIndex, int size, double hours, double busy)
    {
        DeploymentState dep = _deployments[d];
        AcceleratorPool pool = _options.Pools[poolIndex];
        EnergyModel energy = _options.Energy;
        double readyHours = (dep.Ready[p] + dep.DrainingCount(p)) * size * hours;
        double loadingHours = dep.LoadingCount(p) * size * hours;
        Book(_jobs.Length + d, pool, readyHours + loadingHours, energy.Kwh(Tdp(pool), readyHours, busy) + energy.Kwh(Tdp(pool), loadingHours, 0));
    }

    private void Book(int workload, AcceleratorPool pool, double hours, double kwh)
    {
        _workloadHours[workload] += hours;
        _workloadKwh[workload] += kwh;
        _workloadUsd[workload] += (hours * pool.PricePerHour) + (kwh * _options.Energy.UsdPerKwh);
    }

    /// <summary>
    /// Checks the books as far as they are kept: no pool lends more accelerators than it has out of maintenance, every
    /// accelerator-hour since the start is booked to exactly one workload, to idle or to maintenance, and no account is
    /// negative or not finite.
    /// Throws <see cref="InvalidOperationException"/> on the first broken invariant.
    /// </summary>
    public void AssertInvariants()
    {
        double hours = SimTime.ToSeconds(_last - _origin) / 3600, capacity = 0;
        for (int pool = 0; pool < _options.Pools.Count; pool++)
        {
            AcceleratorPool spec = _options.Pools[pool];
            int held = TrainingHeld(pool) + ServingHeld(pool);
            Invariant.Check(Free(pool) >= 0, $"pool {spec.Name} lends {held} of its {spec.Count} accelerators");
            // Beside an open window only replicas still draining their requests may hold what it takes.
            int draining = Draining(pool);
            Invariant.Check(held - draining <= spec.Count - Wanted(pool), $"pool {spec.Name}: {held - draining} accelerators held (not draining) beside maintenance that takes {Wanted(pool)} of {spec.Count}");
            capacity += _options.Pools[pool].Count * hours;
        }

        double booked = _workloadHours.Sum() + _idleHours.Sum() + _maintenanceHours.Sum();
        Invariant.Check(Math.Abs(booked - capacity) <= 1e-9 * Math.Max(1, capacity), $"{booked} accelerator-hours booked of {capacity} elapsed");
        Invariant.Check(_workloadUsd.Concat(_idleUsd).Concat(_workloadKwh).All(v => double.IsFinite(v) && v >= 0), "an account is negative or not finite");
    }

    /// <summary>The pool's accelerator TDP (a pool without one is refused when the options are validated).</summary>
    private static double Tdp(AcceleratorPool pool) => pool.Accelerator.TdpWatts!.Value;
}
