namespace ClusterSim.Core.Inference.Routing;

/// <summary>How the cluster picks a replica for a new request.</summary>
public enum RouterKind
{
    /// <summary>Each replica in turn.</summary>
    RoundRobin,

    /// <summary>Uniformly at random.</summary>
    Random,

    /// <summary>The replica with the fewest unfinished requests.</summary>
    LeastOutstanding,

    /// <summary>The less loaded of two random replicas.</summary>
    PowerOfTwo,

    /// <summary>The replica with the most free KV cache (ties: fewest waiting).</summary>
    KvAware,

    /// <summary>The replica holding the longest cached start of the prompt, unless overloaded (then the least loaded).</summary>
    PrefixAffinity,

    /// <summary>
    /// The replica with the lowest 4 × waiting + running: vLLM's data-parallel balancer (a queued request counts four
    /// times a running one; ties go to the first).
    /// </summary>
    VllmDataParallel,
}
