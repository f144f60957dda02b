namespace ClusterSim.Core.Cluster;

/// <summary>How a cluster shares its accelerators between training jobs and serving deployments.</summary>
public enum ClusterPolicy
{
    /// <summary>Fixed partitions: serving gets each pool's <c>serving_reserve</c>, training the rest; neither borrows.</summary>
    Static,

    /// <summary>One pool per type, serving first: a serving peak preempts the lowest-priority preemptible training job, which resumes from its last checkpoint.</summary>
    Shared,

    /// <summary>Shared, and elastic training jobs grow into capacity serving leaves idle, shrinking again (without losing work) when serving needs it.</summary>
    Harvest,
}
