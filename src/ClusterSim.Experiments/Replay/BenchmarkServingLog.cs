using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClusterSim.Core.Catalog;

namespace ClusterSim.Experiments.Replay;

/// <summary>
/// Reads the summary a serving benchmark prints (vLLM's <c>vllm bench serve</c> and <c>benchmark_serving.py</c>, SGLang's
/// <c>bench_serving</c>): the block under <c>============ Serving Benchmark Result ============</c>, as published in blog
/// posts, issues and logs, with the lines printed before it (request rate, burstiness, concurrency). Each block is one
/// run; its lines are read as the fields of the benchmark's JSON result (<see cref="BenchmarkServingFile"/>), so both
/// forms are interpreted alike. The printout does not name the model: <see cref="ServingSetup.Model"/> gives it.
/// </summary>
public static class BenchmarkServingLog
{
    /// <summary>The line that opens a result block.</summary>
    public const string Banner = "Serving Benchmark Result";

    /// <summary>Printed labels and the JSON result fields they carry (vLLM's, and SGLang's where it names them otherwise).</summary>
    private static readonly Dictionary<string, string> Fields = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Backend"] = "backend",
        ["Traffic request rate"] = "request_rate",
        ["Request rate configured (RPS)"] = "request_rate",
        ["Burstiness factor"] = "burstiness",
        ["Maximum request concurrency"] = "max_concurrency",
        ["Max request concurrency"] = "max_concurrency",
        ["Successful requests"] = "completed",
        ["Failed requests"] = "failed",
        ["Benchmark duration (s)"] = "duration",
        ["Total input tokens"] = "total_input_tokens",
        ["Total generated tokens"] = "total_output_tokens",
        ["Output token throughput (tok/s)"] = "output_throughput",
        ["Mean TTFT (ms)"] = "mean_ttft_ms",
        ["Median TTFT (ms)"] = "median_ttft_ms",
        ["P90 TTFT (ms)"] = "p90_ttft_ms",
        ["P99 TTFT (ms)"] = "p99_ttft_ms",
        ["Mean TPOT (ms)"] = "mean_tpot_ms",
        ["Mean ITL (ms)"] = "mean_itl_ms",
        ["Mean E2EL (ms)"] = "mean_e2el_ms",
        ["P90 E2EL (ms)"] = "p90_e2el_ms",
        ["P99 E2EL (ms)"] = "p99_e2el_ms",
        ["Mean E2E Latency (ms)"] = "mean_e2e_latency_ms",
        ["P90 E2E Latency (ms)"] = "p90_e2e_latency_ms",
        ["P99 E2E Latency (ms)"] = "p99_e2e_latency_ms",
    };

    /// <summary>The lines a block must print for a run to be replayed (the rest are optional, as in the JSON result).</summary>
    private static readonly (string Label, string Field)[] Required =
    [
        ("Successful requests", "completed"),
        ("Total input tokens", "total_input_tokens"),
        ("Total generated tokens", "total_output_tokens"),
        ("Mean TTFT (ms)", "mean_ttft_ms"),
        ("Mean TPOT (ms)", "mean_tpot_ms"),
    ];

    /// <summary>How the benchmarks print a setting they were not given.</summary>
    private static readonly HashSet<string> Unset = new(StringComparer.OrdinalIgnoreCase) { "None", "not set", "null", "n/a", "-" };

    /// <summary>True when <paramref name="text"/> holds at least one printed result block.</summary>
    public static bool Holds(string text) => text.Contains(Banner, StringComparison.Ordinal);

    /// <summary>
    /// Parses a printout's text; <paramref name="source"/> names it in errors. A text of several blocks (a sweep's log)
    /// names each run after the line its block opens on (<c>name#12</c>).
    /// </summary>
    public static IReadOnlyList<MeasuredRun> Parse(string text, string source, ServingSetup setup)
    {
        string[] lines = text.Split('\n');
        var banners = new List<int>();
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Contains(Banner, StringComparison.Ordinal))
            {
                banners.Add(i);
            }
        }

        if (banners.Count == 0)
        {
            throw new CatalogException(source, 1, null, $"no printed benchmark result: expected a block under '============ {Banner} ============'");
        }

        if (setup.Model is null)
        {
            throw new CatalogException(source, banners[0] + 1, null, "a printed benchmark result does not name the model: give it (--model)");
        }

        string name = Path.GetFileNameWithoutExtension(source);
        var runs = new List<MeasuredRun>();
        int previousEnd = 0;
        for (int b = 0; b < banners.Count; b++)
        {
            int start = banners[b];
            int end = BlockEnd(lines, start, b + 1 < banners.Count ? banners[b + 1] : lines.Length);
            // The lines printed before the block (rate, burstiness, concurrency) belong to it, back to the previous block.
            JsonObject fields = FieldsOf(lines, previousEnd, end, source);
            foreach (var (label, field) in Required)
            {
                if (!fields.ContainsKey(field))
                {
                    throw new CatalogException(source, start + 1, null, $"the result block has no '{label}:' line (expected the benchmark's full summary)");
                }
            }

            // The model comes from the setup (checked above), as for any result that does not name it.
            // Through its text, not JsonSerializer's reflection: the Native AOT build trims that away.
            using JsonDocument result = JsonDocument.Parse(fields.ToJsonString());
            runs.Add(BenchmarkServingFile.Parse(result.RootElement.Clone(), source, start + 1, banners.Count == 1 ? name : $"{name}#{start + 1}", setup));
            previousEnd = end;
        }

        return runs;
    }

    /// <summary>The line after the block's closing rule of '=' (or <paramref name="limit"/> when it has none).</summary>
    private static int BlockEnd(string[] lines, int banner, int limit)
    {
        for (int i = banner + 1; i < limit; i++)
        {
            string line = Unprefixed(lines[i]);
            if (line.Length >= 10 && line.All(c => c == '='))
            {
                return i + 1;
            }
        }

        return limit;
    }

    private static JsonObject FieldsOf(string[] lines, int from, int to, string source)
    {
        var fields = new JsonObject();
        for (int i = from; i < to; i++)
        {
            string line = Unprefixed(lines[i]);
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !Fields.TryGetValue(line[..colon].Trim(), out string? field))
            {
                continue;
            }

            string value = line[(colon + 1)..].Trim();
            string first = value.Split(' ', 2)[0];
            if (field == "backend")
            {
                fields[field] = first;
            }
            else if (Unset.Contains(value) || first.Equals("inf", StringComparison.OrdinalIgnoreCase))
            {
                fields[field] = null;   // everything at once, or no concurrency limit ("None" in vLLM's print, "not set" in SGLang's)
            }
            else if (field == "request_rate" && first.Equals("trace", StringComparison.OrdinalIgnoreCase))
            {
                throw new CatalogException(source, i + 1, field, "the run sent requests at a trace's timestamps, which a printout does not carry: replay the trace in an experiment file (workload.arrival.kind: trace)");
            }
            else if (double.TryParse(first.Replace(",", string.Empty, StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out double number) && double.IsFinite(number))
            {
                fields[field] = number;
            }
            else
            {
                throw new CatalogException(source, i + 1, field, $"'{line[..colon].Trim()}': expected a number, got '{value}'");
            }
        }

        return fields;
    }

    /// <summary>A line without the comment marks or log prefixes a pasted printout often carries ("# ", "> ").</summary>
    private static string Unprefixed(string line) => line.Trim().TrimStart('#', '>', ' ').TrimEnd('\r').Trim();
}
