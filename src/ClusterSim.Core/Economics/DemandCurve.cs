namespace ClusterSim.Core.Economics;

/// <summary>Output tokens a served model is asked for: a launch level, compound monthly growth, a diurnal swing.</summary>
public sealed record DemandCurve(double OutputTokensPerDayAtLaunch, double MonthlyGrowth = 0, double DiurnalAmplitude = 0)
{
    /// <summary>Days in an average month, the unit of the growth rate.</summary>
    public const double DaysPerMonth = 365.25 / 12;

    /// <summary>Mean daily demand <paramref name="days"/> after launch, output tokens per day.</summary>
    public double TokensPerDay(double days) => OutputTokensPerDayAtLaunch * Math.Pow(1 + MonthlyGrowth, days / DaysPerMonth);

    /// <summary>Instantaneous demand, output tokens per second, with the daily peak at 14:00.</summary>
    public double TokensPerSecond(double days) =>
        TokensPerDay(days) / 86_400 * (1 + (DiurnalAmplitude * Math.Cos(2 * Math.PI * ((days % 1) - (14.0 / 24)))));

    /// <summary>Total output tokens between two times, days after launch (diurnal swing integrates out over whole days).</summary>
    public double TokensBetween(double fromDays, double toDays)
    {
        if (MonthlyGrowth == 0)
        {
            return OutputTokensPerDayAtLaunch * (toDays - fromDays);
        }

        double k = Math.Log(1 + MonthlyGrowth) / DaysPerMonth;
        double x = k * (toDays - fromDays);
        if (Math.Abs(x) < 1e-6)
        {
            // Growth too slow for the difference of exponentials to keep its digits (k may even round to 0): its series.
            return OutputTokensPerDayAtLaunch * Math.Exp(k * fromDays) * (toDays - fromDays) * (1 + (x / 2) + (x * x / 6));
        }

        return OutputTokensPerDayAtLaunch / k * (Math.Exp(k * toDays) - Math.Exp(k * fromDays));
    }

    /// <summary>Throws when a field is out of range.</summary>
    public DemandCurve Validated() =>
        OutputTokensPerDayAtLaunch > 0 && MonthlyGrowth > -1 && DiurnalAmplitude is >= 0 and < 1 ? this
        : throw new ArgumentException($"demand: output_tokens_per_day > 0, monthly_growth > -1 and diurnal_amplitude in [0, 1) expected (got {OutputTokensPerDayAtLaunch}, {MonthlyGrowth}, {DiurnalAmplitude})");
}
