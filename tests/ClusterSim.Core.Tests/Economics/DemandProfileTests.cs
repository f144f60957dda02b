using ClusterSim.Core.Economics;

namespace ClusterSim.Core.Tests.Economics;

public class DemandProfileTests
{
    // Two hourly steps, 10 then 30 tokens a second, repeating every two hours.
    private static readonly DemandProfile TwoHours = new([0, 3600], [10, 30], 7200, "two.csv");

    [Theory]
    [InlineData(0, 10)]
    [InlineData(3599.9, 10)]
    [InlineData(3600, 30)]   // a step's start belongs to it
    [InlineData(7199.9, 30)]
    [InlineData(7200, 10)]   // the next span
    [InlineData((7200 * 139) + 3600, 30)]   // many spans on
    public void The_rate_is_the_step_holding_the_time_repeating_with_the_span(double seconds, double expected) =>
        Assert.Equal(expected, TwoHours.RateAt(seconds));

    [Fact]
    public void Tokens_without_growth_add_each_steps_rate_times_its_time_across_spans()
    {
        // 1,800 s of the first step, a whole second step, then 1,800 s of the next span's first: 18,000 + 108,000 + 18,000.
        Assert.Equal(144_000, TwoHours.TokensBetween(1800, 9000, 0), 6);
        Assert.Equal(20 * 7200 * 100, TwoHours.TokensBetween(0, 7200 * 100, 0), 3);
        Assert.Equal(20, TwoHours.MeanRate);
        Assert.Equal(0, TwoHours.TokensBetween(5000, 5000, 0));
    }

    [Theory]
    [InlineData(0, 9000, 1e-6)]
    [InlineData(1234.5, 86_400 * 3, 2e-7)]
    [InlineData(100, 20_000, -3e-7)]
    public void Tokens_with_growth_match_a_fine_numerical_integral(double from, double to, double k)
    {
        const int slices = 2_000_000;
        double h = (to - from) / slices, sum = 0;
        for (int i = 0; i < slices; i++)
        {
            double t = from + ((i + 0.5) * h);
            sum += TwoHours.RateAt(t) * Math.Exp(k * t) * h;
        }

        // The midpoint rule misses only the slices a step boundary cuts: a relative 1e-5 covers them.
        Assert.Equal(1, TwoHours.TokensBetween(from, to, k) / sum, 5);
    }

    [Theory]
    [InlineData(0, 3599, 10)]
    [InlineData(0, 3600, 30)]   // a step that begins at the end counts: the autoscaler sizes for what comes
    [InlineData(3600, 7199, 30)]
    [InlineData(7200, 7300, 10)]
    [InlineData(100, 100 + 7200, 30)]
    public void The_peak_is_the_highest_step_the_interval_touches(double from, double to, double expected) =>
        Assert.Equal(expected, TwoHours.PeakBetween(from, to));

    [Fact]
    public void A_short_burst_inside_an_interval_is_seen_by_the_peak_but_not_by_its_edges()
    {
        var burst = new DemandProfile([0, 60, 120], [5, 500, 5], 3600, "burst.csv");
        Assert.Equal(5, Math.Max(burst.RateAt(0), burst.RateAt(300)));
        Assert.Equal(500, burst.PeakBetween(0, 300));
    }

    [Fact]
    public void Malformed_profiles_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new DemandProfile([0, 3600], [10], 7200, "x"));
        Assert.Throws<ArgumentException>(() => new DemandProfile([1, 3600], [10, 10], 7200, "x"));
        Assert.Throws<ArgumentException>(() => new DemandProfile([0, 3600], [10, 10], 3600, "x"));
        Assert.Throws<ArgumentException>(() => new DemandProfile([0, 3600, 3000], [10, 10, 10], 7200, "x"));
        Assert.Throws<ArgumentException>(() => new DemandProfile([0, 3600], [10, -1], 7200, "x"));
        Assert.Throws<ArgumentException>(() => new DemandProfile([0, 3600], [0, 0], 7200, "x"));
    }

    [Fact]
    public void A_curve_from_a_profile_is_scaled_to_its_level_and_grows_as_the_formula_does()
    {
        DemandCurve own = DemandCurve.FromProfile(TwoHours, null, 0);
        Assert.Equal(20 * 86_400, own.OutputTokensPerDayAtLaunch);
        Assert.Same(TwoHours, own.Profile);

        DemandCurve scaled = DemandCurve.FromProfile(TwoHours, 3.456e6, 0.1);
        Assert.Equal(3.456e6 / 86_400 / 20 * 30 * Math.Pow(1.1, 1.5 / 24 / DemandCurve.DaysPerMonth), scaled.TokensPerSecond(1.5 / 24), 9);
        // The growth factor is the formula's: thirty days (360 spans) on, the same step grown by 1.1^(30 / 30.44).
        Assert.Equal(Math.Pow(1.1, 30 / DemandCurve.DaysPerMonth) * scaled.TokensPerSecond(1.5 / 24), scaled.TokensPerSecond(30 + (1.5 / 24)), 9);
        // Over whole spans and no growth the level is the mean.
        Assert.Equal(3.456e6 * 10, DemandCurve.FromProfile(TwoHours, 3.456e6, 0).TokensBetween(0, 10), 3);
        Assert.Throws<ArgumentException>(() => (scaled with { DiurnalAmplitude = 0.5 }).Validated());
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(-0.3)]
    [InlineData(0)]
    public void No_instant_passes_the_upper_bound_and_the_interval_peak_covers_its_edges(double growth)
    {
        var random = new Random(7);
        foreach (DemandCurve curve in new[] { new DemandCurve(5e9, growth, 0.6), DemandCurve.FromProfile(new DemandProfile([0, 3600, 50_000], [3, 90, 7], 86_400, "day.csv"), 2e9, growth) })
        {
            double bound = curve.UpperBoundTokensPerSecond(0, 60);
            for (int i = 0; i < 2000; i++)
            {
                double day = random.NextDouble() * 60;
                Assert.True(curve.TokensPerSecond(day) <= bound * (1 + 1e-12), $"day {day}");
                double end = day + (300 / 86_400.0);
                Assert.True(curve.PeakTokensPerSecond(day, end) >= Math.Max(curve.TokensPerSecond(day), curve.TokensPerSecond(end)) * (1 - 1e-12));
            }
        }
    }
}
