namespace ClusterSim.Core.Cluster;

/// <summary>What an elastic training job's global batch does when it grows or shrinks by data-parallel replicas.</summary>
public enum ElasticBatch
{
    /// <summary>
    /// The global batch stays as planned (its learning-rate schedule was tuned for it): each replica takes fewer
    /// micro-batches — the slowest the ceiling of the share — so the pipeline bubble and the data-parallel traffic weigh
    /// more and an accelerator trains fewer tokens a second than at the planned size.
    /// </summary>
    Fixed,

    /// <summary>Each replica keeps its micro-batches and the global batch grows and shrinks with the replicas.</summary>
    Scaled,
}
