namespace ClusterSim.Core.Economics;

/// <summary>
/// An industry of model generations: frontier training spend growing by a constant factor a year from a simulated
/// base run, and inference spend = tokens served × a simulated cost per token that falls with hardware prices
/// and software efficiency. Sources for the defaults are in ../shared/data/economics.md.
/// </summary>
public sealed record IndustryOptions
{
    public int FromYear { get; init; } = 2020;
    public int ToYear { get; init; } = 2026;

    /// <summary>Year of the simulated base training run and serving cell.</summary>
    public int BaseYear { get; init; } = 2024;

    /// <summary>Cost of the simulated frontier training run of the base year, USD.</summary>
    public required double BaseTrainingUsd { get; init; }

    /// <summary>Simulated serving cost per million output tokens in the base year, USD.</summary>
    public required double BaseUsdPerMillionTokens { get; init; }

    /// <summary>Yearly growth factor of frontier final-run cost (Cottier et al. 2024: 2.4×, 90 % CI 2.0–2.9×).</summary>
    public double TrainingGrowthPerYear { get; init; } = 2.4;

    /// <summary>Total training compute over the final run's (experiments, ablations, failed runs); 1 counts final runs only.</summary>
    public double ResearchMultiplier { get; init; } = 1;

    /// <summary>Yearly change in hardware cost per unit of work (AI Index 2025: −30 %).</summary>
    public double HardwareCostChangePerYear { get; init; } = -0.30;

    /// <summary>Yearly throughput gain from software on the same hardware (MLPerf v4.0 → v5.0: 1.44×).</summary>
    public double SoftwareGainPerYear { get; init; } = 0.44;

    /// <summary>Output tokens served per day across the industry.</summary>
    public required TokenVolumeCurve OutputTokensPerDay { get; init; }

    /// <summary>Throws when a field is out of range.</summary>
    public IndustryOptions Validated()
    {
        if (ToYear < FromYear || BaseTrainingUsd < 0 || BaseUsdPerMillionTokens < 0 || TrainingGrowthPerYear <= 0 || ResearchMultiplier <= 0
            || HardwareCostChangePerYear <= -1 || SoftwareGainPerYear <= -1)
        {
            throw new ArgumentException("industry: to_year ≥ from_year, positive growth and multiplier, hardware_cost_change_per_year and software_gain_per_year > -1 expected");
        }

        return this;
    }
}
