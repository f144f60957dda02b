namespace ClusterSim.Core.Economics;

/// <summary>
/// Output tokens a served model is asked for: a launch level, compound monthly growth, and either a diurnal swing or a
/// measured shape (<see cref="Profile"/>, scaled to the launch level).
/// </summary>
public sealed record DemandCurve(double OutputTokensPerDayAtLaunch, double MonthlyGrowth = 0, double DiurnalAmplitude = 0)
{
    /// <summary>Days in an average month, the unit of the growth rate.</summary>
    public const double DaysPerMonth = 365.25 / 12;

    /// <summary>
    /// A measured shape in place of the diurnal swing, its mean rate <see cref="OutputTokensPerDayAtLaunch"/> a day (see
    /// <see cref="FromProfile"/>); growth multiplies it as it does the formula. Null: the formula.
    /// </summary>
    public DemandProfile? Profile { get; private init; }

    /// <summary>
    /// Demand that follows <paramref name="profile"/> from launch, repeating with its span, scaled so that its mean is
    /// <paramref name="tokensPerDay"/> (its own mean when null), and growing by <paramref name="monthlyGrowth"/>.
    /// </summary>
    public static DemandCurve FromProfile(DemandProfile profile, double? tokensPerDay, double monthlyGrowth)
    {
        double own = profile.MeanRate * 86_400;
        double level = tokensPerDay ?? own;
        return new DemandCurve(level, monthlyGrowth) { Profile = tokensPerDay is null ? profile : profile.Scaled(level / own) };
    }

    /// <summary>Mean daily demand <paramref name="days"/> after launch, output tokens per day.</summary>
    public double TokensPerDay(double days) => OutputTokensPerDayAtLaunch * Growth(days);

    /// <summary>Instantaneous demand, output tokens per second: the profile's step, or the formula's with the daily peak at 14:00.</summary>
    public double TokensPerSecond(double days) => Profile is { } profile
        ? profile.RateAt(days * 86_400) * Growth(days)
        : TokensPerDay(days) / 86_400 * (1 + (DiurnalAmplitude * Math.Cos(2 * Math.PI * ((days % 1) - (14.0 / 24)))));

    /// <summary>
    /// The demand an autoscaler sizes the interval from <paramref name="fromDays"/> to <paramref name="toDays"/> for:
    /// the formula's higher end (a smooth curve sampled at the interval's edges), a profile's highest step the interval
    /// touches (a short burst inside it counts).
    /// </summary>
    public double PeakTokensPerSecond(double fromDays, double toDays) => Profile is { } profile
        ? profile.PeakBetween(fromDays * 86_400, toDays * 86_400) * Math.Max(Growth(fromDays), Growth(toDays))
        : Math.Max(TokensPerSecond(fromDays), TokensPerSecond(toDays));

    /// <summary>A rate no instant between <paramref name="fromDays"/> and <paramref name="toDays"/> exceeds (a bound for drawing arrivals).</summary>
    public double UpperBoundTokensPerSecond(double fromDays, double toDays) => Profile is not null
        ? PeakTokensPerSecond(fromDays, toDays)   // a profile's peak over an interval bounds every instant in it
        : Math.Max(TokensPerDay(fromDays), TokensPerDay(toDays)) * (1 + DiurnalAmplitude) / 86_400;

    /// <summary>Total output tokens between two times, days after launch (the formula's diurnal swing integrates out over whole days).</summary>
    public double TokensBetween(double fromDays, double toDays)
    {
        if (Profile is { } profile)
        {
            return profile.TokensBetween(fromDays * 86_400, toDays * 86_400, GrowthRate / 86_400);
        }

        if (MonthlyGrowth == 0)
        {
            return OutputTokensPerDayAtLaunch * (toDays - fromDays);
        }

        double k = GrowthRate;
        double x = k * (toDays - fromDays);
        if (Math.Abs(x) < 1e-6)
        {
            // Growth too slow for the difference of exponentials to keep its digits (k may even round to 0): its series.
            return OutputTokensPerDayAtLaunch * Math.Exp(k * fromDays) * (toDays - fromDays) * (1 + (x / 2) + (x * x / 6));
        }

        return OutputTokensPerDayAtLaunch / k * (Math.Exp(k * toDays) - Math.Exp(k * fromDays));
    }

    /// <summary>Continuous growth rate, per day.</summary>
    private double GrowthRate => Math.Log(1 + MonthlyGrowth) / DaysPerMonth;

    private double Growth(double days) => Math.Pow(1 + MonthlyGrowth, days / DaysPerMonth);

    /// <summary>Throws when a field is out of range.</summary>
    public DemandCurve Validated() =>
        OutputTokensPerDayAtLaunch > 0 && MonthlyGrowth > -1 && DiurnalAmplitude is >= 0 and < 1 && (Profile is null || DiurnalAmplitude == 0) ? this
        : throw new ArgumentException($"demand: output_tokens_per_day > 0, monthly_growth > -1 and diurnal_amplitude in [0, 1) (0 with a trace) expected (got {OutputTokensPerDayAtLaunch}, {MonthlyGrowth}, {DiurnalAmplitude})");
}
