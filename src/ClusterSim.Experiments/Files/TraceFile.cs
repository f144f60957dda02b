using System.Globalization;
using ClusterSim.Core.Catalog;
using ClusterSim.Core.Engine;
using ClusterSim.Core.Inference.Workload;

namespace ClusterSim.Experiments.Files;

/// <summary>
/// Reads a request trace in the column layout of the public Azure LLM inference traces: TIMESTAMP, ContextTokens,
/// GeneratedTokens; optionally PromptId (requests with one id send the same prompt) and PrefixId with PrefixTokens
/// (requests with one prefix id share that many leading tokens, a system prompt), for prefix and response caches.
/// </summary>
public static class TraceFile
{
    /// <summary>Parses the trace; offsets are relative to its first timestamp.</summary>
    public static IReadOnlyList<TraceRecord> Read(string path)
    {
        if (InputFile.Problem(path) is { } problem)
        {
            throw new IOException(problem);
        }

        using var reader = new StreamReader(path);
        CsvTable table = CsvTable.Parse(reader, path);
        foreach (string column in new[] { "TIMESTAMP", "ContextTokens", "GeneratedTokens" })
        {
            if (!table.HasColumn(column))
            {
                throw new CatalogException(path, 1, column, "missing column; expected TIMESTAMP,ContextTokens,GeneratedTokens");
            }
        }

        var rows = new List<(DateTime Time, int Prompt, int Output, PromptIdentity Identity)>();
        var promptIds = new Dictionary<string, long>(StringComparer.Ordinal);
        var prefixIds = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (line, cells) in table.Rows)
        {
            string stamp = table.Cell(cells, "TIMESTAMP");
            if (!DateTime.TryParse(stamp, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime time))
            {
                throw new CatalogException(path, line, "TIMESTAMP", $"'{stamp}' is not a date and time");
            }

            rows.Add((time, ParseTokens(table, cells, "ContextTokens", path, line), ParseTokens(table, cells, "GeneratedTokens", path, line), Identity(table, cells, path, line, promptIds, prefixIds)));
        }

        if (rows.Count == 0)
        {
            throw new CatalogException(path, 1, null, "the trace has no requests");
        }

        DateTime start = rows.Min(r => r.Time);
        return rows.Select(r => new TraceRecord(SimTime.FromSeconds((r.Time - start).TotalSeconds), r.Prompt, r.Output) { Identity = r.Identity }).ToList();
    }

    /// <summary>The optional sharing columns as a prompt identity; ids are numbered in order of first appearance.</summary>
    private static PromptIdentity Identity(CsvTable table, string[] cells, string path, int line, Dictionary<string, long> promptIds, Dictionary<string, long> prefixIds)
    {
        string prompt = table.Cell(cells, "PromptId"), prefix = table.Cell(cells, "PrefixId");
        long promptKey = prompt.Length == 0 ? -1 : Number(promptIds, prompt);
        if (prefix.Length == 0)
        {
            return new PromptIdentity(-1, 0, promptKey);
        }

        int tokens = ParseTokens(table, cells, "PrefixTokens", path, line);
        return new PromptIdentity(Number(prefixIds, prefix), tokens, promptKey);
    }

    private static long Number(Dictionary<string, long> ids, string id)
    {
        if (!ids.TryGetValue(id, out long number))
        {
            number = ids.Count;
            ids.Add(id, number);
        }

        return number;
    }

    private static int ParseTokens(CsvTable table, string[] cells, string column, string path, int line)
    {
        string text = table.Cell(cells, column);
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value >= 0
            ? value
            : throw new CatalogException(path, line, column, $"'{text}' is not a non-negative whole number");
    }
}
