namespace ClusterSim.Core.Performance;

/// <summary>
/// How far real kernels fall short of the roofline: fractions of peak compute and memory bandwidth,
/// a fixed cost per iteration (scheduling, kernel launches, sampling) and the start-up latency of one
/// collective. Calibrated values are defaults; an experiment can override each.
/// </summary>
public sealed record EfficiencyFactors
{
    /// <summary>Fraction of dense peak that matrix multiplies reach.</summary>
    public double Compute { get; init; } = 0.5;

    /// <summary>Fraction of memory bandwidth that weight and KV reads reach.</summary>
    public double Memory { get; init; } = 0.7;

    /// <summary>Fixed time per iteration, seconds.</summary>
    public double IterationOverheadSeconds { get; init; } = 0.002;

    /// <summary>Start-up latency of one collective step on the scale-up link, seconds.</summary>
    public double CollectiveLatencySeconds { get; init; } = 5e-6;

    /// <summary>Throws when a factor is outside its meaningful range.</summary>
    public EfficiencyFactors Validated()
    {
        if (Compute is <= 0 or > 1 || Memory is <= 0 or > 1)
        {
            throw new ArgumentException($"efficiency factors must be in (0, 1]: compute {Compute}, memory {Memory}");
        }

        if (IterationOverheadSeconds < 0 || CollectiveLatencySeconds < 0)
        {
            throw new ArgumentException("overheads must not be negative");
        }

        return this;
    }
}
