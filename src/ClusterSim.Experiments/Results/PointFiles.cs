using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ClusterSim.Core.Metrics;
using ClusterSim.Experiments.Files;

namespace ClusterSim.Experiments.Results;

/// <summary>
/// A point's files in a results directory: points/point-NNN.json (every replication's scalars), series/point-NNN.csv
/// and quantiles/point-NNN.csv (first replication). The JSON is written last, so its presence marks a finished point;
/// it carries the SHA-256 of the two CSVs and of itself, so a truncated or altered file is detected, never trusted.
/// Reading the files back gives the same <see cref="PointResult"/> that wrote them.
/// </summary>
public static class PointFiles
{
    /// <summary>The point's JSON file, whose presence marks the point finished.</summary>
    public static string JsonPath(string directory, int index) => Path.Combine(directory, "points", Id(index) + ".json");

    /// <summary>Writes the point's files, the JSON last.</summary>
    public static void Write(string directory, Experiment experiment, PointResult result)
    {
        string id = Id(result.Point.Index);
        RecordedResult first = result.Replications[0];
        ArrayBufferWriter<byte> csv = CsvBuffer.Value!;
        SeriesTable series = first.Series();
        Utf8Csv.Write(csv, "time_s", series.TimeSeconds, series.Columns);
        string seriesSha256 = Sha256(csv.WrittenSpan);
        AtomicFile.Write(Path.Combine(directory, "series", id + ".csv"), csv.WrittenMemory);
        QuantileTable quantiles = first.Quantiles();
        string? quantilesSha256 = null;
        if (quantiles.Columns.Count > 0)
        {
            Utf8Csv.Write(csv, "level", quantiles.Levels, quantiles.Columns);
            quantilesSha256 = Sha256(csv.WrittenSpan);
            AtomicFile.Write(Path.Combine(directory, "quantiles", id + ".csv"), csv.WrittenMemory);
        }

        AtomicFile.WriteText(JsonPath(directory, result.Point.Index), Json(experiment, result, seriesSha256, quantilesSha256));
    }

    /// <summary>One CSV buffer per writing thread, reused point after point (a long series is megabytes).</summary>
    private static readonly ThreadLocal<ArrayBufferWriter<byte>> CsvBuffer = new(() => new ArrayBufferWriter<byte>(1 << 16));

    /// <summary>The finished point's result, or null when its JSON is not there yet.</summary>
    /// <exception cref="InvalidDataException">The files are there but do not hold this experiment's point.</exception>
    public static PointResult? TryRead(string directory, Experiment experiment, ExperimentPoint point)
    {
        string path = JsonPath(directory, point.Index);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            string text = File.ReadAllText(path);
            PointChecksum.Verify(text, path);
            using var json = JsonDocument.Parse(text);
            JsonElement files = json.RootElement.GetProperty("files");
            string id = Id(point.Index);
            VerifyFile(Path.Combine(directory, "series", id + ".csv"), files.GetProperty("series"));
            VerifyFile(Path.Combine(directory, "quantiles", id + ".csv"), files.GetProperty("quantiles"));
            JsonElement stored = json.RootElement.GetProperty("point");
            var replications = json.RootElement.GetProperty("replications").EnumerateArray().ToList();
            if (replications.Count < experiment.Replications || replications.Count > experiment.MaxReplications
                || (experiment.Until is null && replications.Count != experiment.Replications))
            {
                throw new InvalidDataException($"{path}: holds {replications.Count} replication(s), the experiment asks for {experiment.ReplicationsText}");
            }

            var records = replications.Select((r, k) => new RecordedResult(
                r.GetProperty("conserved").GetBoolean(),
                r.EnumerateObject().Where(p => p.Name != "conserved").Select(p => (p.Name, Number(p.Value))).ToArray(),
                k == 0 ? ReadSeries(Path.Combine(directory, "series", id + ".csv")) : SeriesTable.Empty,
                k == 0 ? ReadQuantiles(Path.Combine(directory, "quantiles", id + ".csv")) : QuantileTable.Empty)).ToList();
            // Sequential replications stop where the results say: a point that stopped elsewhere was run under another rule.
            if (experiment.Until is { } until && until.StopAt(records, experiment.Replications) is var stop && stop != records.Count)
            {
                throw new InvalidDataException($"{path}: holds {records.Count} replication(s), where {experiment.ReplicationsText} stops at {stop?.ToString(CultureInfo.InvariantCulture) ?? "more"}");
            }

            return PointResult.Of(point, Number(stored.GetProperty("arrival_rate")), Number(stored.GetProperty("saturation_rate")), records);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or IOException)
        {
            throw new InvalidDataException($"{path}: not a point file ClusterSim can read ({e.Message})", e);
        }
    }

    /// <summary>The point's JSON: its parameters, summaries, every replication's scalars, its CSVs' SHA-256 and its own.</summary>
    public static string Json(Experiment experiment, PointResult result, string seriesSha256, string? quantilesSha256)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("experiment", experiment.Name);
            json.WritePropertyName("point");
            ResultWriter.WritePoint(json, result);
            json.WriteStartArray("replications");
            foreach (RecordedResult rep in result.Replications)
            {
                json.WriteStartObject();
                json.WriteBoolean("conserved", rep.Conserved);
                foreach (var (name, value) in rep.Scalars())
                {
                    ResultWriter.WriteNumber(json, name, value);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartObject("files");
            json.WriteString("series", seriesSha256);
            if (quantilesSha256 is null)
            {
                json.WriteNull("quantiles");
            }
            else
            {
                json.WriteString("quantiles", quantilesSha256);
            }

            json.WriteEndObject();
            PointChecksum.WritePlaceholder(json);
            json.WriteEndObject();
        }

        return PointChecksum.Seal(Encoding.UTF8.GetString(buffer.ToArray()) + "\n");
    }

    /// <summary>Checks a CSV beside the JSON against the digest the JSON recorded (null: the file must not be there).</summary>
    private static void VerifyFile(string path, JsonElement expected)
    {
        if (expected.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        string actual = File.Exists(path) ? Sha256(File.ReadAllText(path)) : "missing";
        if (!string.Equals(actual, expected.GetString(), StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{path}: {(actual == "missing" ? "missing" : "changed since its point file was written")}");
        }
    }

    private static string Sha256(string text) => Sha256(Encoding.UTF8.GetBytes(text));

    private static string Sha256(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));

    private static SeriesTable ReadSeries(string path)
    {
        var (keys, columns) = ReadCsv(path);
        return new SeriesTable(keys, columns);
    }

    private static QuantileTable ReadQuantiles(string path)
    {
        if (!File.Exists(path))
        {
            return QuantileTable.Empty;
        }

        var (keys, columns) = ReadCsv(path);
        return new QuantileTable(keys, columns);
    }

    private static (double[] Keys, SeriesColumn[] Columns) ReadCsv(string path)
    {
        string[] lines = File.ReadAllText(path).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0)
        {
            throw new InvalidDataException($"{path}: empty; expected a header line");
        }

        string[] header = lines[0].Split(',');
        var rows = lines.Skip(1).Select((line, i) =>
        {
            string[] cells = line.Split(',');
            return cells.Length == header.Length ? cells.Select(InvariantNumber.Parse).ToArray()
                : throw new InvalidDataException($"{path}:{i + 2}: {cells.Length} cells, the header has {header.Length}");
        }).ToList();
        double[] keys = rows.Select(r => r[0]).ToArray();
        SeriesColumn[] columns = header.Skip(1).Select((name, k) => new SeriesColumn(name, string.Empty, rows.Select(r => r[k + 1]).ToArray())).ToArray();
        return (keys, columns);
    }

    private static double Number(JsonElement value) => value.ValueKind == JsonValueKind.Null ? double.NaN : value.GetDouble();

    private static string Id(int index) => "point-" + index.ToString("D3", CultureInfo.InvariantCulture);
}
