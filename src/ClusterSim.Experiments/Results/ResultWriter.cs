using System.Globalization;
using System.Text;
using System.Text.Json;
using ClusterSim.Experiments.Files;

namespace ClusterSim.Experiments.Results;

/// <summary>
/// Writes a run's results: summary.csv (one row per point, mean and 95 % interval per metric),
/// and each point's files (<see cref="PointFiles"/>), the resolved experiment and the version.
/// Every byte depends only on the experiment and its seed.
/// </summary>
public static class ResultWriter
{
    /// <summary>ClusterSim's version, written beside every result.</summary>
    public static string Version => typeof(ResultWriter).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>Writes everything under <paramref name="directory"/>.</summary>
    public static void Write(string directory, Experiment experiment, IReadOnlyList<PointResult> results)
    {
        WriteRunFiles(directory, experiment);
        foreach (PointResult result in results)
        {
            PointFiles.Write(directory, experiment, result);
        }

        WriteSummary(directory, results);
    }

    /// <summary>Writes the files that identify a run: the resolved experiment and the version.</summary>
    public static void WriteRunFiles(string directory, Experiment experiment)
    {
        AtomicFile.WriteText(ResolvedPath(directory), experiment.ResolvedText);
        AtomicFile.WriteText(Path.Combine(directory, "version.txt"), $"clustersim {Version}\n");
        if (experiment.Calibrations.Count > 0)
        {
            AtomicFile.WriteText(Path.Combine(directory, "calibration.txt"), string.Concat(experiment.Calibrations.Select(c => c + "\n")));
        }
    }

    /// <summary>Where a run's resolved experiment lives; resuming and merging check it.</summary>
    public static string ResolvedPath(string directory) => Path.Combine(directory, "experiment.resolved.yaml");

    /// <summary>Writes summary.csv, once every point is in.</summary>
    public static void WriteSummary(string directory, IReadOnlyList<PointResult> results) =>
        AtomicFile.WriteText(Path.Combine(directory, "summary.csv"), SummaryCsv(results));

    /// <summary>summary.csv text.</summary>
    public static string SummaryCsv(IReadOnlyList<PointResult> results)
    {
        var text = new StringBuilder();
        var parameters = results[0].Point.Parameters.Select(p => p.Key).ToList();
        var header = new List<string> { "point" };
        header.AddRange(parameters);
        header.AddRange(["arrival_rate", "saturation_rate", "replications"]);
        var described = results.SelectMany(r => r.Point.Describe().Select(d => d.Name)).Distinct(StringComparer.Ordinal).ToList();
        header.AddRange(described);
        // Points may report different metrics (a sweep that turns the prefix cache on adds its hit rate): the columns are
        // every name in order of first appearance, and a point without a metric leaves its cells empty.
        var names = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (MetricSummary m in results.SelectMany(r => r.Metrics))
        {
            if (seen.Add(m.Name))
            {
                names.Add(m.Name);
                header.Add(m.Name);
                header.Add(m.Name + "_ci95");
            }
        }

        text.AppendJoin(',', header.Select(Field)).Append('\n');
        foreach (PointResult r in results)
        {
            var row = new List<string> { r.Point.Index.ToString(CultureInfo.InvariantCulture) };
            row.AddRange(r.Point.Parameters.Select(p => Field(p.Value)));
            row.AddRange([Number(r.ArrivalRate), Number(r.SaturationRate), r.Replications.Count.ToString(CultureInfo.InvariantCulture)]);
            var description = r.Point.Describe().ToDictionary(d => d.Name, d => d.Value, StringComparer.Ordinal);
            row.AddRange(described.Select(name => Field(description.GetValueOrDefault(name, string.Empty))));
            var byName = r.Metrics.ToDictionary(m => m.Name, StringComparer.Ordinal);
            foreach (string name in names)
            {
                bool has = byName.TryGetValue(name, out MetricSummary m);
                row.Add(has ? Number(m.Mean) : string.Empty);
                row.Add(has ? Number(m.HalfWidth95) : string.Empty);
            }

            text.AppendJoin(',', row).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The whole run summarised as one JSON document (for --json).</summary>
    public static string SummaryJson(Experiment experiment, IReadOnlyList<PointResult> results)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("experiment", experiment.Name);
            json.WriteString("version", Version);
            json.WriteNumber("seed", experiment.Seed);
            json.WriteNumber("replications", experiment.Replications);
            if (experiment.Until is { } until)
            {
                // Sequential replications: each point's own count is in its "replications" field.
                json.WriteStartObject("replications_until");
                json.WriteNumber("max", until.Max);
                json.WriteString("metric", until.Metric);
                json.WriteNumber("relative_half_width", until.RelativeHalfWidth);
                json.WriteEndObject();
            }

            json.WriteStartArray("points");
            foreach (PointResult r in results)
            {
                WritePoint(json, r, count: experiment.Until is not null);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    internal static void WritePoint(Utf8JsonWriter json, PointResult r, bool count = false)
    {
        json.WriteStartObject();
        json.WriteNumber("index", r.Point.Index);
        json.WriteStartObject("parameters");
        foreach (var (key, value) in r.Point.Parameters)
        {
            json.WriteString(key, value);
        }

        json.WriteEndObject();
        WriteNumber(json, "arrival_rate", r.ArrivalRate);
        WriteNumber(json, "saturation_rate", r.SaturationRate);
        if (count)
        {
            json.WriteNumber("replications", r.Replications.Count);
        }

        json.WriteStartObject("metrics");
        foreach (MetricSummary m in r.Metrics)
        {
            json.WriteStartObject(m.Name);
            WriteNumber(json, "mean", m.Mean);
            WriteNumber(json, "ci95", m.HalfWidth95);
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    internal static void WriteNumber(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value))
        {
            json.WriteNumber(name, value);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static string Number(double value) => InvariantNumber.Format(value);

    /// <summary>A CSV field as RFC 4180 writes it: quoted (quotes doubled) when it holds a comma, a quote or a line break.</summary>
    public static string Field(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
}
