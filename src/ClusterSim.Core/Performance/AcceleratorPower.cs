namespace ClusterSim.Core.Performance;

/// <summary>
/// The one energy formula every result uses: accelerators drawing a fraction of their TDP for some hours, at the
/// facility (× PUE). Training books its draw while it works and while it waits; serving and the lifecycle go through
/// <c>EnergyModel</c>, which maps utilisation onto a draw between idle and TDP.
/// </summary>
public static class AcceleratorPower
{
    /// <summary>Share of TDP an accelerator draws while it is powered but does no work (waiting for a restart, an idle replica).</summary>
    public const double IdleFraction = 0.3;

    /// <summary>kWh at the facility for <paramref name="acceleratorHours"/> drawing <paramref name="drawFraction"/> of <paramref name="tdpWatts"/>.</summary>
    public static double Kwh(double tdpWatts, double acceleratorHours, double drawFraction, double pue) => drawFraction * tdpWatts * acceleratorHours * pue / 1000;
}
