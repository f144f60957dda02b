namespace ClusterSim.Experiments.Files;

/// <summary>How requests arrive, as <c>workload.arrival.kind</c> names it.</summary>
public enum ArrivalKind
{
    /// <summary>Open: exponential gaps at a rate.</summary>
    Poisson,

    /// <summary>Open: gamma gaps at a rate with a coefficient of variation (bursty above 1).</summary>
    Gamma,

    /// <summary>Open: evenly spaced at a rate.</summary>
    Constant,

    /// <summary>Open: Poisson with a sinusoidal rate over a period.</summary>
    Diurnal,

    /// <summary>Closed: a number of users, each sending again a think time after its last answer.</summary>
    ClosedLoop,

    /// <summary>Recorded arrivals and lengths from a trace file.</summary>
    Trace,
}
