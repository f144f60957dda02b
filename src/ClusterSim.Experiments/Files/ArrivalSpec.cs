using ClusterSim.Core.Inference.Workload;

namespace ClusterSim.Experiments.Files;

/// <summary>
/// An arrival process as written in an experiment file; <see cref="Load"/> (a fraction of saturation) resolves to a rate at
/// run time. Closed loops use <see cref="Concurrency"/>, the think time (fixed or exponential) and a ramp-up.
/// </summary>
public sealed record ArrivalSpec(ArrivalKind Kind, double? Rate, double? Load, double Cv, double Amplitude, double PeriodSeconds, int Concurrency, double ThinkSeconds)
{
    /// <summary>Closed loop: how think times are drawn.</summary>
    public ThinkTime Think { get; init; } = ThinkTime.Fixed;

    /// <summary>Closed loop: users start at uniform random times over this many seconds (0: all at once).</summary>
    public double RampSeconds { get; init; }

    /// <summary>Open arrivals: the most requests the client keeps in flight (a due request waits for a slot); 0: no cap.</summary>
    public int MaxInFlight { get; init; }

    /// <summary>
    /// True when the client hands requests to the engine in its own process (an offline batch), so requests sent together
    /// share an idle engine's first step; false: through a server's front end (<see cref="Core.Inference.ServingScenario.InProcessSubmission"/>).
    /// </summary>
    public bool InProcess { get; init; }

    /// <summary>The process at the given rate.</summary>
    public ArrivalProcess Build(double rate) => Kind switch
    {
        ArrivalKind.Poisson => ArrivalProcess.Poisson(rate),
        ArrivalKind.Gamma => ArrivalProcess.Gamma(rate, Cv),
        ArrivalKind.Constant => ArrivalProcess.Constant(rate),
        ArrivalKind.Diurnal => ArrivalProcess.Diurnal(rate, Amplitude, PeriodSeconds),
        _ => throw new InvalidOperationException($"arrival kind {Kind.Name()} has no open process"),
    };
}
