namespace ClusterSim.Core.Cluster;

/// <summary>Sees every placement change of a shared cluster, for a timeline; the run does not depend on it.</summary>
public interface IClusterObserver
{
    /// <summary>Job <paramref name="job"/> entered <paramref name="phase"/> at <paramref name="time"/> (ns from the cluster's start) holding <paramref name="accelerators"/>.</summary>
    void JobChanged(long time, int job, JobPhase phase, int accelerators);

    /// <summary>Deployment <paramref name="deployment"/> holds <paramref name="accelerators"/> of pool <paramref name="pool"/> from <paramref name="time"/> on.</summary>
    void DeploymentChanged(long time, int deployment, int pool, int accelerators);
}
