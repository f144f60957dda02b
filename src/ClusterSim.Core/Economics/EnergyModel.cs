using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Economics;

/// <summary>Facility energy of accelerators: (idle + utilisation × (TDP − idle)) × PUE, at a price per kWh.</summary>
public sealed record EnergyModel(double UsdPerKwh = 0.08, double Pue = 1.2, double IdleFraction = AcceleratorPower.IdleFraction)
{
    /// <summary>kWh drawn by <paramref name="acceleratorHours"/> at <paramref name="utilisation"/> on a chip of <paramref name="tdpWatts"/>: the draw rises linearly from idle (0) to TDP (1).</summary>
    public double Kwh(double tdpWatts, double acceleratorHours, double utilisation) =>
        KwhAtDraw(tdpWatts, acceleratorHours, IdleFraction + (Math.Clamp(utilisation, 0, 1) * (1 - IdleFraction)));

    /// <summary>kWh drawn by <paramref name="acceleratorHours"/> drawing <paramref name="drawFraction"/> of <paramref name="tdpWatts"/>, at the facility (× PUE).</summary>
    public double KwhAtDraw(double tdpWatts, double acceleratorHours, double drawFraction) => AcceleratorPower.Kwh(tdpWatts, acceleratorHours, drawFraction, Pue);

    /// <summary>Throws when a field is out of range.</summary>
    public EnergyModel Validated() =>
        UsdPerKwh >= 0 && Pue >= 1 && IdleFraction is >= 0 and <= 1 ? this
        : throw new ArgumentException($"energy: usd_per_kwh ≥ 0, pue ≥ 1 and idle_fraction in [0, 1] expected (got {UsdPerKwh}, {Pue}, {IdleFraction})");
}
