using ClusterSim.Core.Inference.Workload;

namespace ClusterSim.Experiments.Files;

/// <summary>An arrival process as written in an experiment file; <see cref="Load"/> (a fraction of saturation) resolves to a rate at run time.</summary>
public sealed record ArrivalSpec(string Kind, double? Rate, double? Load, double Cv, double Amplitude, double PeriodSeconds, int Concurrency, double ThinkSeconds)
{
    /// <summary>The process at the given rate.</summary>
    public ArrivalProcess Build(double rate) => Kind switch
    {
        "poisson" => ArrivalProcess.Poisson(rate),
        "gamma" => ArrivalProcess.Gamma(rate, Cv),
        "constant" => ArrivalProcess.Constant(rate),
        "diurnal" => ArrivalProcess.Diurnal(rate, Amplitude, PeriodSeconds),
        _ => throw new InvalidOperationException($"arrival kind {Kind} has no open process"),
    };
}
