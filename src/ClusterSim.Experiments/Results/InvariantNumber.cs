using System.Globalization;

namespace ClusterSim.Experiments.Results;

/// <summary>How result files spell numbers: shortest round-trip form, invariant culture, empty for NaN.</summary>
internal static class InvariantNumber
{
    public static string Format(double value) => double.IsFinite(value) ? value.ToString(RoundTrip, CultureInfo.InvariantCulture) : string.Empty;

    /// <summary>The format that reads back to the same double.</summary>
    public const string RoundTrip = "R";

    public static double Parse(string text) =>
        text.Length == 0 ? double.NaN : double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
}
