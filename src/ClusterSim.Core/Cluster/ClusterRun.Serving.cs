using ClusterSim.Core.Engine;

namespace ClusterSim.Core.Cluster;

// Serving's side: deployments sized for the coming interval's peak, accelerators taken cheapest placement first (idle before training), let go dearest first, reclaimed from training where the policy allows.
public sealed partial class ClusterRun
{
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

            double peak = dep.PeakDemand(seconds, seconds + _options.IntervalSeconds);
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

    /// <summary>
    /// Starts up to <paramref name="replicas"/> replicas, taking accelerators from training first when
    /// <paramref name="reclaim"/> is set; a disaggregated unit needs room on both its pools.
    /// </summary>
    private void Acquire(long now, int d, int p, int replicas, bool reclaim)
    {
        DeploymentState dep = _deployments[d];
        int decodePool = dep.DecodePools[p];
        if (reclaim && decodePool >= 0)
        {
            // A unit needs both parts: take from training on one pool only what the other pool can match.
            replicas = Math.Min(replicas, Math.Min(Obtainable(dep, p, dep.Pools[p]), Obtainable(dep, p, decodePool)));
        }

        if (reclaim && replicas > 0)
        {
            ReclaimFor(now, dep, p, dep.Pools[p], replicas);
            if (decodePool >= 0 && decodePool != dep.Pools[p])
            {
                ReclaimFor(now, dep, p, decodePool, replicas);
            }
        }

        int granted = Math.Min(replicas, ServingFree(dep.Pools[p]) / dep.UnitAcceleratorsOn(p, dep.Pools[p]));
        if (decodePool >= 0)
        {
            granted = Math.Min(granted, ServingFree(decodePool) / dep.UnitAcceleratorsOn(p, decodePool));
        }

        if (granted <= 0)
        {
            return;
        }

        long key = ((long)d << 32) | (uint)p;
        EventHandle handle = _simulator.Schedule(Math.Max(1, SimTime.FromSeconds(dep.Spec.ColdStartSeconds)), this, ReplicaReady, key);
        dep.Loading[p].Add((handle, granted));
    }

    /// <summary>Replicas of placement <paramref name="p"/> whose part on <paramref name="pool"/> its free accelerators and what training there could give back would hold.</summary>
    private int Obtainable(DeploymentState dep, int p, int pool)
    {
        int reclaimable = 0;
        foreach (JobState job in _jobs)
        {
            reclaimable += job.Pool == pool && job.Active ? (job.Spec.Preemptible ? job.Held : job.Held - job.Spec.ElasticFloor) : 0;
        }

        return (ServingFree(pool) + reclaimable) / dep.UnitAcceleratorsOn(p, pool);
    }

    /// <summary>Frees what <paramref name="replicas"/> of placement <paramref name="p"/> need of <paramref name="pool"/> from training.</summary>
    private void ReclaimFor(long now, DeploymentState dep, int p, int pool, int replicas)
    {
        int size = dep.UnitAcceleratorsOn(p, pool);
        if (ServingFree(pool) < replicas * size)
        {
            Reclaim(now, pool, (replicas * size) - ServingFree(pool));
        }
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
            int extra = job.Held - job.Spec.ElasticFloor;
            if (job.Pool != pool || !job.Active || freed >= shrinkTo || extra <= 0)
            {
                continue;
            }

            int shrink = Math.Min(extra, (int)Math.Ceiling((shrinkTo - freed) / (double)job.Spec.ElasticUnit) * job.Spec.ElasticUnit);
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
                p = p >= 0 ? p : Array.IndexOf(dep.DecodePools, pool);   // the first placement with a part there
                if (p < 0)
                {
                    continue;
                }

                double held = Held(dep);
                double shortfall = (dep.PeakDemand(s, s + _options.IntervalSeconds) / (1 - dep.Spec.Headroom)) - held;
                DeploymentPlacement placement = dep.Spec.Placements[p];
                need += shortfall > 0 ? (int)Math.Ceiling(shortfall / placement.ReplicaTokensPerSecond) * dep.UnitAcceleratorsOn(p, pool) : 0;
            }

            most = Math.Max(most, need);
        }

        return most;
    }

    private int ServingFree(int pool) => _options.Policy == ClusterPolicy.Static
        ? Math.Min(_books.Free(pool), _options.Pools[pool].ServingReserve - _books.ServingHeld(pool))
        : _books.Free(pool);
}
