namespace ClusterSim.Core.Economics;

/// <summary>Facility energy of accelerators: (idle + utilisation × (TDP − idle)) × PUE, at a price per kWh.</summary>
public sealed record EnergyModel(double UsdPerKwh = 0.08, double Pue = 1.2, double IdleFraction = 0.3)
{
    /// <summary>kWh drawn by <paramref name="acceleratorHours"/> at <paramref name="utilisation"/> on a chip of <paramref name="tdpWatts"/>.</summary>
    public double Kwh(double tdpWatts, double acceleratorHours, double utilisation)
    {
        double idle = IdleFraction * tdpWatts;
        return (idle + (Math.Clamp(utilisation, 0, 1) * (tdpWatts - idle))) * acceleratorHours * Pue / 1000;
    }

    /// <summary>Throws when a field is out of range.</summary>
    public EnergyModel Validated() =>
        UsdPerKwh >= 0 && Pue >= 1 && IdleFraction is >= 0 and <= 1 ? this
        : throw new ArgumentException($"energy: usd_per_kwh ≥ 0, pue ≥ 1 and idle_fraction in [0, 1] expected (got {UsdPerKwh}, {Pue}, {IdleFraction})");
}
