using System.Globalization;
using ClusterSim.Core.Catalog;
using ClusterSim.Core.Economics;

namespace ClusterSim.Experiments.Files;

/// <summary>
/// Reads a measured demand: one row per step, a time column (<c>day</c>, <c>hour</c> or <c>time_s</c> from the first row,
/// or a <c>timestamp</c>) and one amount column — <c>requests</c> or <c>output_tokens</c> counted over the step (from its time
/// to the next row's), or <c>requests_per_s</c> or <c>output_tokens_per_s</c>. The last step lasts as long as the one
/// before it; the whole repeats after that. Requests become output tokens at the deployment's mean output length.
/// </summary>
public static class DemandTraceFile
{
    private const double MaxSeconds = 100 * 365.25 * 86_400;
    private const double MaxTokensPerSecond = 1e15;
    private static readonly string[] TimeColumns = ["day", "hour", "time_s", "timestamp"];
    private static readonly string[] AmountColumns = ["requests", "requests_per_s", "output_tokens", "output_tokens_per_s"];

    /// <summary>Parses <paramref name="path"/>; errors name its line and column.</summary>
    /// <param name="path">The file, as a full path (the profile keeps it as its source).</param>
    /// <param name="meanOutputTokens">Output tokens a request asks for on average, to turn request counts into tokens.</param>
    public static DemandProfile Read(string path, double meanOutputTokens)
    {
        if (InputFile.Problem(path) is { } problem)
        {
            throw new IOException(problem);
        }

        using var reader = new StreamReader(path);
        return Parse(reader, path, meanOutputTokens);
    }

    /// <summary>Parses a trace's text; errors name <paramref name="path"/> (the profile's source), the line and the column.</summary>
    public static DemandProfile Parse(TextReader reader, string path, double meanOutputTokens)
    {
        CsvTable table = CsvTable.Parse(reader, path);
        string time = Single(table, TimeColumns, path);
        string amount = Single(table, AmountColumns, path);
        var times = new List<double>();
        var values = new List<double>();
        DateTime first = default;
        foreach (var (line, cells) in table.Rows)
        {
            double t = time == "timestamp" ? Stamp(table.Cell(cells, time), path, line, ref first, times.Count == 0) : Value(table.Cell(cells, time), path, line, time) * time switch { "day" => 86_400, "hour" => 3600, _ => 1 };
            if (t > MaxSeconds)
            {
                throw new CatalogException(path, line, time, "a demand trace spans at most 100 years");
            }

            if (times.Count == 0 && time != "timestamp" && t != 0)
            {
                throw new CatalogException(path, line, time, $"the first row is the launch, at 0; got {table.Cell(cells, time)}");
            }

            if (times.Count > 0 && !(t > times[^1]))
            {
                throw new CatalogException(path, line, time, "times must increase from row to row");
            }

            times.Add(t);
            values.Add(Value(table.Cell(cells, amount), path, line, amount));
        }

        if (times.Count < 2)
        {
            throw new CatalogException(path, 1, time, "a demand trace needs two rows at least: the steps' length comes from their times");
        }

        double span = times[^1] + (times[^1] - times[^2]);
        double tokensPer = amount.StartsWith("requests", StringComparison.Ordinal) ? meanOutputTokens : 1;
        var rates = new double[values.Count];
        for (int i = 0; i < rates.Length; i++)
        {
            double length = (i + 1 < times.Count ? times[i + 1] : span) - times[i];
            rates[i] = values[i] * tokensPer / (amount.EndsWith("_per_s", StringComparison.Ordinal) ? 1 : length);
            if (!(rates[i] <= MaxTokensPerSecond))
            {
                throw new CatalogException(path, table.Rows[i].Line, amount, string.Create(CultureInfo.InvariantCulture, $"{rates[i]:G3} output tokens a second over a {length:G3}-second step is past any fleet (at most {MaxTokensPerSecond:G0})"));
            }
        }

        if (rates.All(r => r == 0))
        {
            throw new CatalogException(path, 1, amount, "every step asks for nothing");
        }

        return new DemandProfile(times, rates, span, path);
    }

    private static string Single(CsvTable table, string[] choices, string path)
    {
        string[] present = [.. choices.Where(table.HasColumn)];
        return present.Length == 1 ? present[0]
            : throw new CatalogException(path, 1, null, present.Length == 0
                ? $"expected one of the columns {string.Join(", ", choices)}; the header has {string.Join(", ", table.Header)}"
                : $"expected one of the columns {string.Join(", ", choices)}, not {string.Join(" and ", present)}");
    }

    private static double Value(string text, string path, int line, string column) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value) && value >= 0 ? value
        : throw new CatalogException(path, line, column, $"expected a number ≥ 0, got '{text}'");

    private static double Stamp(string text, string path, int line, ref DateTime first, bool isFirst)
    {
        if (!DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime stamp))
        {
            throw new CatalogException(path, line, "timestamp", $"'{text}' is not a date and time");
        }

        if (isFirst)
        {
            first = stamp;
        }

        return (stamp - first).TotalSeconds;
    }
}
