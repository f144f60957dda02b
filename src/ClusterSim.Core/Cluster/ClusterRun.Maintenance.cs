using ClusterSim.Core.Engine;

namespace ClusterSim.Core.Cluster;

// Planned maintenance: what runs on the nodes a window takes makes way, training first (it checkpoints at the notice).
public sealed partial class ClusterRun
{
    /// <summary>
    /// Frees what a maintenance window took from <paramref name="pool"/> beyond its idle accelerators: harvested extras
    /// first (whole data-parallel replicas, a resize), then whole jobs, lowest priority and latest first, each
    /// checkpointed at the notice and queued again; serving replicas last, dearest placement first (the autoscaler places
    /// them elsewhere at its next decision; a request-level replica drains its requests first, and the window takes its
    /// accelerators as it lets them go).
    /// </summary>
    private void MakeWay(long now, int pool)
    {
        int over = _books.MaintenanceShortfall(pool);
        foreach (int j in _byVictimOrder)
        {
            JobState job = _jobs[j];
            int extra = job.Held - job.Spec.ElasticFloor;
            if (over <= 0)
            {
                return;
            }

            if (job.Pool != pool || !job.Active || extra <= 0)
            {
                continue;
            }

            int shrink = Math.Min(extra, (int)Math.Ceiling(over / (double)job.Spec.ElasticUnit) * job.Spec.ElasticUnit);
            Cancel(job);
            job.Resize(now, job.Held - shrink);
            job.Pending = _simulator.Schedule(Math.Max(1, job.RestartNanos), this, RestartDone, j);
            over -= shrink;
        }

        foreach (int j in _byVictimOrder)
        {
            JobState job = _jobs[j];
            if (over <= 0)
            {
                return;
            }

            if (job.Pool == pool && job.Held > 0)
            {
                Cancel(job);
                over -= job.Held;
                job.Evict(now);
            }
        }

        foreach (DeploymentState dep in _deployments)
        {
            for (int k = dep.Order.Length - 1; k >= 0 && over > 0; k--)
            {
                int p = dep.Order[k];
                int size = dep.UnitAcceleratorsOn(p, pool);   // a disaggregated unit stops whole, its other pool's part too
                if (size == 0)
                {
                    continue;
                }

                int stop = Math.Min(dep.Replicas(p), (int)Math.Ceiling(over / (double)size));
                Release(dep, p, stop);
                over -= stop * size;
            }
        }
    }
}
