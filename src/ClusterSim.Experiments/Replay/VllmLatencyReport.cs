using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;

namespace ClusterSim.Experiments.Replay;

/// <summary>
/// Reads what vLLM's latency benchmark (<c>vllm bench latency</c>, formerly <c>benchmarks/benchmark_latency.py</c>)
/// reports: the line it prints, <c>Avg latency: S seconds</c> (with its percentiles after it), or the JSON its
/// <c>--output-json</c> writes (<c>avg_latency</c>, <c>latencies</c>, <c>percentiles</c>).
/// <para>
/// The benchmark times one batch at a time: <c>--batch-size</c> prompts of <c>--input-len</c> tokens handed at once to
/// vLLM's offline <c>LLM</c> class, each generating <c>--output-len</c> tokens (<c>ignore_eos</c>), and reports how long
/// a batch took. Neither form records the batch or its lengths, so <c>--batch-size</c>, <c>--input-len</c> and
/// <c>--output-len</c> (the benchmark's own flags) give them, and <c>--gpu</c> and <c>--model</c> the server. The batch is
/// replayed all at once, in process, with the <c>LLM</c> class's limits; its time is scored as the output throughput it
/// implies (the batch's output tokens over its time), which is the batch's time whether or not its prompts were
/// prefilled in one step.
/// </para>
/// </summary>
public static partial class VllmLatencyReport
{
    /// <summary>True when <paramref name="text"/> holds the benchmark's printed average.</summary>
    public static bool Holds(string text) => AverageLine().IsMatch(text);

    /// <summary>True when <paramref name="root"/> is the benchmark's <c>--output-json</c> result.</summary>
    public static bool Holds(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("avg_latency", out _) && root.TryGetProperty("latencies", out _);

    /// <summary>Parses a printout; a text of several averages (a sweep's log) names each run after its line (<c>name#12</c>).</summary>
    public static IReadOnlyList<MeasuredRun> Parse(string text, string source, ServingSetup setup)
    {
        string[] lines = text.Split('\n');
        var found = new List<(int Line, double Seconds)>();
        for (int i = 0; i < lines.Length; i++)
        {
            Match m = AverageLine().Match(lines[i]);
            if (m.Success)
            {
                found.Add((i + 1, OfflineBenchmark.Positive(m.Groups["seconds"].Value, source, i + 1, "Avg latency")));
            }
        }

        if (found.Count == 0)
        {
            throw new CatalogException(source, 1, null, "no printed latency: expected 'Avg latency: S seconds' (vllm bench latency)");
        }

        string name = Path.GetFileNameWithoutExtension(source);
        return [.. found.Select(f => Run(setup, source, f.Line, found.Count == 1 ? name : $"{name}#{f.Line}", f.Seconds))];
    }

    /// <summary>Parses the <c>--output-json</c> result.</summary>
    public static MeasuredRun Parse(JsonElement root, string source, int line, string experiment, ServingSetup setup) =>
        Run(setup, source, line, experiment, OfflineBenchmark.Field(root, "avg_latency", source, line));

    private static MeasuredRun Run(ServingSetup setup, string source, int line, string experiment, double seconds)
    {
        MeasuredRun run = OfflineBenchmark.Run(setup, source, line, experiment, "vLLM's latency benchmark", "vllm");
        if (setup.BatchSize is not { } batch || setup.InputLength is not { } input || setup.OutputLength is not { } output)
        {
            throw new CatalogException(source, line, "Avg latency", "vLLM's latency benchmark does not record the batch it timed: give it (--batch-size, --input-len, --output-len)");
        }

        return run with
        {
            VllmEntry = VllmEntryPoint.OfflineLlm,
            Sampling = "temperature",   // SamplingParams(temperature=1.0, top_p=1.0, ignore_eos=True)
            Requests = batch,
            DurationSeconds = seconds,
            InputTokens = input,
            OutputTokens = output,
            OutputSource = "configured (--output-len, ignore_eos)",
            ThroughputTokensPerSecond = batch * output / seconds,
            Notes = string.Create(CultureInfo.InvariantCulture, $"vllm bench latency: a batch of {batch} in the offline LLM class, {seconds:0.###} s a batch, scored as the output throughput it implies"),
        };
    }

    /// <summary><c>Avg latency: 1.475279240796808 seconds</c>.</summary>
    [GeneratedRegex(@"Avg latency:\s*(?<seconds>\S+)\s*seconds")]
    private static partial Regex AverageLine();
}
