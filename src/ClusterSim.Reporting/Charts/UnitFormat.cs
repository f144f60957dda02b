using System.Globalization;

namespace ClusterSim.Reporting.Charts;

/// <summary>Short human labels: $1.2M, 3.4k tok/s, 250 ms, 42 %, Mar 2025.</summary>
public static class UnitFormat
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Format(double value, UnitKind unit, DateOnly? origin = null) => unit switch
    {
        UnitKind.Usd => "$" + Si(value),
        UnitKind.TokensPerSecond => Si(value) + " tok/s",
        UnitKind.Seconds => Seconds(value),
        UnitKind.Percent => (value * 100).ToString("0.#", Invariant) + " %",
        UnitKind.Days => Si(value) + " d",
        UnitKind.Year => Math.Round(value).ToString("0", Invariant),
        UnitKind.Date => (origin ?? DateOnly.MinValue).AddDays((int)Math.Round(value)).ToString("MMM yyyy", Invariant),
        _ => Si(value),
    };

    /// <summary>A number with a k/M/B/T suffix and at most three significant digits.</summary>
    public static string Si(double value)
    {
        double a = Math.Abs(value);
        (double scale, string suffix) = a >= 1e12 ? (1e12, "T") : a >= 1e9 ? (1e9, "B") : a >= 1e6 ? (1e6, "M") : a >= 1e3 ? (1e3, "k") : (1, string.Empty);
        double v = value / scale;
        string digits = Math.Abs(v) >= 100 || v == Math.Round(v) ? v.ToString("0", Invariant)
            : Math.Abs(v) >= 10 ? v.ToString("0.#", Invariant)
            : Math.Abs(v) >= 1 ? v.ToString("0.##", Invariant)
            : v.ToString("0." + new string('#', Math.Min(9, 2 - (int)Math.Floor(Math.Log10(Math.Abs(v))))), Invariant);   // 0.0412, not 0.04
        return digits + suffix;
    }

    private static string Seconds(double s)
    {
        double a = Math.Abs(s);
        return a == 0 ? "0" : a < 1e-3 ? Si(s * 1e6) + " µs" : a < 1 ? Si(s * 1e3) + " ms" : a < 120 ? Si(s) + " s" : a < 7200 ? Si(s / 60) + " min" : Si(s / 3600) + " h";
    }
}
