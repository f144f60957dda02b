namespace ClusterSim.Core.Economics;

/// <summary>Owning instead of renting: purchase price spread evenly over the lifetime, less the resale value.</summary>
public sealed record CapexModel(double PurchaseUsd, double LifetimeYears, double ResidualFraction = 0)
{
    /// <summary>Amortised USD per accelerator-hour.</summary>
    public double PerHour => PurchaseUsd * (1 - ResidualFraction) / (LifetimeYears * 365.25 * 24);

    /// <summary>Throws when a field is out of range.</summary>
    public CapexModel Validated() =>
        PurchaseUsd >= 0 && LifetimeYears > 0 && ResidualFraction is >= 0 and < 1 ? this
        : throw new ArgumentException($"capex: purchase_usd ≥ 0, lifetime_years > 0 and residual in [0, 1) expected (got {PurchaseUsd}, {LifetimeYears}, {ResidualFraction})");
}
