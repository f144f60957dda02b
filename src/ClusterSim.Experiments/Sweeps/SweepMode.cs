namespace ClusterSim.Experiments.Sweeps;

/// <summary>How a sweep turns its parameters into points.</summary>
public enum SweepMode
{
    /// <summary>Cartesian product of the value lists, last parameter fastest.</summary>
    Grid,

    /// <summary>The i-th value of every list together.</summary>
    Zip,

    /// <summary>Independent uniform draws from each range (or list) per sample.</summary>
    Random,

    /// <summary>Latin hypercube: each range cut into as many strata as samples, every stratum used exactly once.</summary>
    LatinHypercube,
}
