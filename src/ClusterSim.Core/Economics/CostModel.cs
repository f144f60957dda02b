namespace ClusterSim.Core.Economics;

/// <summary>What an accelerator-hour costs: rent from a price curve, or amortised purchase; plus energy.</summary>
public sealed record CostModel
{
    public required PriceCurve Rental { get; init; }

    /// <summary>When set, hours cost the amortised purchase instead of the rental price.</summary>
    public CapexModel? Capex { get; init; }
    public EnergyModel Energy { get; init; } = new();

    /// <summary>USD per accelerator-hour (without energy) <paramref name="days"/> after the start.</summary>
    public double HourlyRate(double days) => Capex?.PerHour ?? Rental.At(days);

    /// <summary>USD for <paramref name="acceleratorHours"/> at <paramref name="utilisation"/>, capital or rent plus energy.</summary>
    public double Cost(double days, double acceleratorHours, double tdpWatts, double utilisation) =>
        (HourlyRate(days) * acceleratorHours) + (Energy.Kwh(tdpWatts, acceleratorHours, utilisation) * Energy.UsdPerKwh);

    /// <summary>USD for <paramref name="acceleratorHours"/> drawing <paramref name="drawFraction"/> of TDP, capital or rent plus energy.</summary>
    public double CostAtDraw(double days, double acceleratorHours, double tdpWatts, double drawFraction) =>
        (HourlyRate(days) * acceleratorHours) + (Energy.KwhAtDraw(tdpWatts, acceleratorHours, drawFraction) * Energy.UsdPerKwh);

    /// <summary>Throws when a part is out of range.</summary>
    public CostModel Validated()
    {
        Rental.Validated();
        Capex?.Validated();
        Energy.Validated();
        return this;
    }
}
