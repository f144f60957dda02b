namespace ClusterSim.Core.Economics;

/// <summary>Rental price per accelerator-hour that changes by a constant fraction per year, never below a floor.</summary>
public sealed record PriceCurve(double StartPerHour, double YearlyChange = 0, double FloorPerHour = 0)
{
    /// <summary>USD per accelerator-hour <paramref name="days"/> after the start.</summary>
    public double At(double days) => Math.Max(FloorPerHour, StartPerHour * Math.Pow(1 + YearlyChange, days / 365.25));

    /// <summary>Throws when the curve is meaningless.</summary>
    public PriceCurve Validated() =>
        StartPerHour >= 0 && YearlyChange > -1 && FloorPerHour >= 0 ? this
        : throw new ArgumentException($"price: per_hour and floor must not be negative and yearly_change must exceed -1 (got {StartPerHour}, {YearlyChange}, {FloorPerHour})");
}
