using System.Globalization;
using System.Text.Json;
using ClusterSim.Core.Catalog;

namespace ClusterSim.Experiments.Replay;

/// <summary>
/// Reads what SGLang's offline throughput benchmark (<c>python -m sglang.bench_offline_throughput</c>) reports: the block
/// it prints under <c>====== Offline Throughput Benchmark Result =======</c> (requests, duration, input and generated
/// token totals, throughputs), or the JSON line its <c>--result-filename</c> appends (<c>successful_requests</c>,
/// <c>total_latency</c>, <c>total_input_tokens</c>, <c>total_output_tokens</c>, <c>output_throughput</c>, ...).
/// <para>
/// The benchmark hands every request at once to an SGLang engine in its own process (its default backend,
/// <c>engine</c>), greedy and with <c>ignore_eos</c> unless told otherwise: the run is replayed all at once, in process,
/// with SGLang's server defaults, at the mean lengths its totals give (a dataset of mixed lengths, ShareGPT's by
/// default, is replayed at its means, which the note says), and scored on its output throughput. Neither form names the
/// accelerator or the model: <c>--gpu</c> and <c>--model</c> give them.
/// </para>
/// </summary>
public static class SglangOfflineThroughput
{
    /// <summary>The words of the line that opens a printed result.</summary>
    public const string Banner = "Offline Throughput Benchmark Result";

    private static readonly string[] Labels =
    [
        "Successful requests:", "Benchmark duration (s):", "Total input tokens:", "Total generated tokens:", "Output token throughput (tok/s):",
    ];

    /// <summary>True when <paramref name="text"/> holds a printed result.</summary>
    public static bool Holds(string text) => text.Contains(Banner, StringComparison.Ordinal);

    /// <summary>True when <paramref name="root"/> is a result line of <c>--result-filename</c>.</summary>
    public static bool Holds(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object
        && root.TryGetProperty("successful_requests", out _)
        && root.TryGetProperty("total_latency", out _)
        && root.TryGetProperty("last_gen_throughput", out _);

    /// <summary>Parses a printout; a text of several results names each after the line its block opens on (<c>name#12</c>).</summary>
    public static IReadOnlyList<MeasuredRun> Parse(string text, string source, ServingSetup setup)
    {
        string[] lines = text.Split('\n');
        var banners = Enumerable.Range(0, lines.Length).Where(i => lines[i].Contains(Banner, StringComparison.Ordinal)).ToList();
        if (banners.Count == 0)
        {
            throw new CatalogException(source, 1, null, $"no printed result: expected a block under '====== {Banner} ======='");
        }

        string name = Path.GetFileNameWithoutExtension(source);
        var runs = new List<MeasuredRun>();
        for (int b = 0; b < banners.Count; b++)
        {
            int start = banners[b], end = b + 1 < banners.Count ? banners[b + 1] : lines.Length;
            var values = new Dictionary<string, double>(StringComparer.Ordinal);
            for (int i = start + 1; i < end; i++)
            {
                string line = lines[i].Trim().TrimStart('#', '>', ' ').TrimEnd('\r');
                foreach (string label in Labels.Where(l => line.StartsWith(l, StringComparison.Ordinal)))
                {
                    values[label] = OfflineBenchmark.Positive(line[label.Length..].Trim(), source, i + 1, label.TrimEnd(':'));
                }
            }

            foreach (string label in Labels.Where(l => !values.ContainsKey(l)))
            {
                throw new CatalogException(source, start + 1, null, $"the result block has no '{label}' line (expected the benchmark's full printout)");
            }

            runs.Add(Run(setup, source, start + 1, banners.Count == 1 ? name : $"{name}#{start + 1}",
                values["Successful requests:"], values["Benchmark duration (s):"], values["Total input tokens:"], values["Total generated tokens:"], values["Output token throughput (tok/s):"]));
        }

        return runs;
    }

    /// <summary>Parses a result line of <c>--result-filename</c>.</summary>
    public static MeasuredRun Parse(JsonElement root, string source, int line, string experiment, ServingSetup setup) =>
        Run(setup, source, line, experiment,
            OfflineBenchmark.Field(root, "successful_requests", source, line), OfflineBenchmark.Field(root, "total_latency", source, line),
            OfflineBenchmark.Field(root, "total_input_tokens", source, line), OfflineBenchmark.Field(root, "total_output_tokens", source, line), OfflineBenchmark.Field(root, "output_throughput", source, line));

    private static MeasuredRun Run(ServingSetup setup, string source, int line, string experiment, double requests, double seconds, double inputs, double outputs, double outputPerSecond) =>
        OfflineBenchmark.Run(setup, source, line, experiment, "SGLang's offline benchmark", "sglang") with
        {
            Sampling = "greedy",   // the benchmark's sampling parameters: temperature 0, ignore_eos
            Requests = OfflineBenchmark.Requests(requests, source, line, "successful requests"),
            DurationSeconds = seconds,
            InputTokens = inputs / requests,
            OutputTokens = outputs / requests,
            OutputSource = "measured (the totals over the requests)",
            ThroughputTokensPerSecond = outputPerSecond,
            Notes = "sglang.bench_offline_throughput: an engine in process, every request at once, at the mean lengths of its totals; scored on output throughput",
        };
}
