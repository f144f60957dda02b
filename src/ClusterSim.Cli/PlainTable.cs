using System.Text;
using System.Text.Json;
using ClusterSim.Experiments.Results;

namespace ClusterSim.Cli;

/// <summary>A header and rows written as CSV (RFC 4180), TSV, JSON (an array of objects) or a Markdown table, in full, never wrapped.</summary>
internal static class PlainTable
{
    public static readonly Dictionary<string, OutputFormat> Formats = new(StringComparer.OrdinalIgnoreCase)
    {
        ["table"] = OutputFormat.Table,
        ["csv"] = OutputFormat.Csv,
        ["tsv"] = OutputFormat.Tsv,
        ["json"] = OutputFormat.Json,
        ["markdown"] = OutputFormat.Markdown,
    };

    public static void Write(TextWriter output, OutputFormat format, IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        switch (format)
        {
            case OutputFormat.Csv:
                foreach (IReadOnlyList<string> line in rows.Prepend(headers))
                {
                    output.WriteLine(string.Join(',', line.Select(ResultWriter.Field)));
                }

                break;
            case OutputFormat.Tsv:
                foreach (IReadOnlyList<string> line in rows.Prepend(headers))
                {
                    output.WriteLine(string.Join('\t', line.Select(c => c.Replace('\t', ' ').ReplaceLineEndings(" "))));
                }

                break;
            case OutputFormat.Json:
                // Built as JSON nodes, not serialised by reflection, so a Native AOT build writes it too.
                var objects = new System.Text.Json.Nodes.JsonArray();
                foreach (IReadOnlyList<string> r in rows)
                {
                    var item = new System.Text.Json.Nodes.JsonObject();
                    for (int i = 0; i < headers.Count; i++)
                    {
                        item[headers[i]] = i < r.Count ? r[i] : string.Empty;
                    }

                    objects.Add((System.Text.Json.Nodes.JsonNode)item);
                }

                output.WriteLine(objects.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
                break;
            case OutputFormat.Markdown:
                string Cell(string c) => c.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
                output.WriteLine($"| {string.Join(" | ", headers.Select(Cell))} |");
                output.WriteLine($"|{string.Concat(Enumerable.Repeat("---|", headers.Count))}");
                foreach (IReadOnlyList<string> r in rows)
                {
                    output.WriteLine($"| {string.Join(" | ", r.Select(Cell))} |");
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "the boxed table is Spectre's");
        }
    }

    /// <summary>The text a <see cref="Write"/> call produces.</summary>
    public static string Render(OutputFormat format, IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        var text = new StringBuilder();
        using var writer = new StringWriter(text, System.Globalization.CultureInfo.InvariantCulture);
        Write(writer, format, headers, rows);
        return text.ToString();
    }
}
