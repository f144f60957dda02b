namespace ClusterSim.Core.Inference.Workload;

/// <summary>How long a closed-loop user waits between a response and its next request.</summary>
public enum ThinkTime
{
    /// <summary>Exactly the given time.</summary>
    Fixed,

    /// <summary>Exponential with the given mean.</summary>
    Exponential,
}
