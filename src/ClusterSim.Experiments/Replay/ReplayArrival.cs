namespace ClusterSim.Experiments.Replay;

/// <summary>How a replayed run sends its requests.</summary>
public enum ReplayArrival
{
    /// <summary>Evenly spaced at each stage's rate, stage after stage (inference-perf's constant load).</summary>
    Staged,

    /// <summary>Gamma-distributed gaps at one rate (vLLM benchmark_serving; shape 1 is Poisson).</summary>
    Gamma,

    /// <summary>Every request queued at once (an offline benchmark).</summary>
    AllAtOnce,

    /// <summary>A closed loop of fixed concurrency: a user sends again when its answer is complete.</summary>
    ClosedLoop,

    /// <summary>Each request at the time a recorded trace says its client sent it (<see cref="RequestLengths.Traced"/>).</summary>
    Trace,
}
