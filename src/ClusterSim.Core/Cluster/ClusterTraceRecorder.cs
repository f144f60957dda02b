namespace ClusterSim.Core.Cluster;

/// <summary>Records a shared cluster's placements: each job's phases and each deployment's accelerators per pool, over time.</summary>
public sealed class ClusterTraceRecorder : IClusterObserver
{
    private readonly List<(long Time, int Job, JobPhase Phase, int Accelerators)> _jobs = [];
    private readonly List<(long Time, int Deployment, int Pool, int Accelerators)> _deployments = [];
    private readonly Dictionary<(int Deployment, int Pool), int> _held = [];

    /// <summary>Job phase changes in time order.</summary>
    public IReadOnlyList<(long Time, int Job, JobPhase Phase, int Accelerators)> Jobs => _jobs;

    /// <summary>Changes in what a deployment holds of a pool, in time order.</summary>
    public IReadOnlyList<(long Time, int Deployment, int Pool, int Accelerators)> Deployments => _deployments;

    /// <inheritdoc/>
    public void JobChanged(long time, int job, JobPhase phase, int accelerators) => _jobs.Add((time, job, phase, accelerators));

    /// <inheritdoc/>
    public void DeploymentChanged(long time, int deployment, int pool, int accelerators)
    {
        if (!_held.TryGetValue((deployment, pool), out int held) || held != accelerators)
        {
            _held[(deployment, pool)] = accelerators;
            _deployments.Add((time, deployment, pool, accelerators));
        }
    }
}
