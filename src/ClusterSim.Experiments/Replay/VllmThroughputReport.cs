using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;

namespace ClusterSim.Experiments.Replay;

/// <summary>
/// Reads what vLLM's offline throughput benchmark (<c>vllm bench throughput</c>, formerly
/// <c>benchmarks/benchmark_throughput.py</c>) reports: the lines it prints,
/// <c>Throughput: R requests/s, T total tokens/s, O output tokens/s</c> then <c>Total num prompt tokens:</c> and
/// <c>Total num output tokens:</c>, or the JSON its <c>--output-json</c> writes (<c>elapsed_time</c>,
/// <c>num_requests</c>, <c>total_num_tokens</c>, <c>requests_per_second</c>, <c>tokens_per_second</c>).
/// <para>
/// The benchmark hands every request at once to vLLM's offline <c>LLM</c> class in its own process (no server, no HTTP):
/// the run is replayed all at once, in process, with the batch limits the <c>LLM</c> class takes
/// (<see cref="VllmEntryPoint.OfflineLlm"/>), and scored on its output throughput. Its requests sample at temperature 1
/// with <c>ignore_eos</c>, so every answer is as long as asked. The printed totals give the mean lengths (the number of
/// requests is the rate times the run's length, the output tokens over their rate); the JSON keeps only the total of both,
/// so <c>--input-len</c> and <c>--output-len</c> (the benchmark's own flags) give them, and must add up to it. Neither
/// form names the accelerator or the model: <c>--gpu</c> and <c>--model</c> give them.
/// </para>
/// </summary>
public static partial class VllmThroughputReport
{
    /// <summary>True when <paramref name="text"/> holds the benchmark's printed throughput line.</summary>
    public static bool Holds(string text) => ThroughputLine().IsMatch(text);

    /// <summary>True when <paramref name="root"/> is the benchmark's <c>--output-json</c> result.</summary>
    public static bool Holds(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object
        && root.TryGetProperty("elapsed_time", out _)
        && root.TryGetProperty("num_requests", out _)
        && root.TryGetProperty("total_num_tokens", out _);

    /// <summary>
    /// Parses a printout; a text of several runs (a sweep's log) names each after the line its throughput is printed on
    /// (<c>name#12</c>). Errors name <paramref name="source"/>, the line and what was expected.
    /// </summary>
    public static IReadOnlyList<MeasuredRun> Parse(string text, string source, ServingSetup setup)
    {
        string[] lines = text.Split('\n');
        var starts = new List<int>();
        for (int i = 0; i < lines.Length; i++)
        {
            if (ThroughputLine().IsMatch(lines[i]))
            {
                starts.Add(i);
            }
        }

        if (starts.Count == 0)
        {
            throw new CatalogException(source, 1, null, "no printed throughput: expected 'Throughput: R requests/s, T total tokens/s, O output tokens/s' (vllm bench throughput)");
        }

        string name = Path.GetFileNameWithoutExtension(source);
        var runs = new List<MeasuredRun>();
        for (int s = 0; s < starts.Count; s++)
        {
            int start = starts[s], end = s + 1 < starts.Count ? starts[s + 1] : lines.Length;
            Match rates = ThroughputLine().Match(lines[start]);
            double requestsPerSecond = OfflineBenchmark.Positive(rates.Groups["requests"].Value, source, start + 1, "requests/s");
            if (!rates.Groups["output"].Success)
            {
                throw new CatalogException(source, start + 1, "output tokens/s",
                    "this printout gives no output tokens/s (a vLLM release before they were printed): replay the JSON its --output-json wrote, with --input-len and --output-len");
            }

            double outputPerSecond = OfflineBenchmark.Positive(rates.Groups["output"].Value, source, start + 1, "output tokens/s");
            double prompts = Total(lines, start, end, "prompt", source);
            double outputs = Total(lines, start, end, "output", source);
            double seconds = outputs / outputPerSecond;
            int requests = (int)Math.Round(requestsPerSecond * seconds);
            if (requests < 1)
            {
                throw new CatalogException(source, start + 1, "requests/s", string.Create(CultureInfo.InvariantCulture, $"{requestsPerSecond} requests/s over {seconds:0.###} s is no request"));
            }

            runs.Add(Run(setup, source, start + 1, starts.Count == 1 ? name : $"{name}#{start + 1}", requests, seconds, prompts / requests, outputs / requests, outputPerSecond,
                "measured (the printed totals over the requests)"));
        }

        return runs;
    }

    /// <summary>Parses the <c>--output-json</c> result; the lengths come from <paramref name="setup"/> and must add up to its total.</summary>
    public static MeasuredRun Parse(JsonElement root, string source, int line, string experiment, ServingSetup setup)
    {
        double seconds = OfflineBenchmark.Field(root, "elapsed_time", source, line);
        int requests = OfflineBenchmark.Requests(OfflineBenchmark.Field(root, "num_requests", source, line), source, line, "num_requests");
        double tokens = OfflineBenchmark.Field(root, "total_num_tokens", source, line);

        if (setup.InputLength is not { } input || setup.OutputLength is not { } output)
        {
            throw new CatalogException(source, line, "total_num_tokens",
                "the throughput benchmark's JSON keeps only the total of prompt and output tokens: give the lengths it ran with (--input-len, --output-len)");
        }

        double expected = requests * (input + output);
        if (Math.Abs(expected - tokens) > 0.05 * tokens)
        {
            throw new CatalogException(source, line, "total_num_tokens", string.Create(CultureInfo.InvariantCulture,
                $"{tokens:N0} tokens is not {requests:N0} requests of --input-len {input:0.##} and --output-len {output:0.##} ({expected:N0}): give the mean lengths the run drew"));
        }

        return Run(setup, source, line, experiment, requests, seconds, input, output, requests * output / seconds, "configured (--output-len, ignore_eos)");
    }

    private static MeasuredRun Run(ServingSetup setup, string source, int line, string experiment, int requests, double seconds, double input, double output, double outputPerSecond, string lengthsFrom) =>
        OfflineBenchmark.Run(setup, source, line, experiment, "vLLM's throughput benchmark", "vllm") with
        {
            VllmEntry = VllmEntryPoint.OfflineLlm,
            Sampling = "temperature",   // SamplingParams(temperature=1.0, top_p=1.0, ignore_eos=True)
            Requests = requests,
            DurationSeconds = seconds,
            InputTokens = input,
            OutputTokens = output,
            OutputSource = lengthsFrom,
            ThroughputTokensPerSecond = outputPerSecond,
            Notes = "vllm bench throughput: the offline LLM class in process, every request at once; scored on output throughput",
        };

    /// <summary>The printed total of <paramref name="what"/> tokens (prompt or output) among the lines of one run.</summary>
    private static double Total(string[] lines, int start, int end, string what, string source)
    {
        string label = $"Total num {what} tokens:";
        for (int i = start + 1; i < end; i++)
        {
            int at = lines[i].IndexOf(label, StringComparison.Ordinal);
            if (at >= 0)
            {
                return OfflineBenchmark.Positive(lines[i][(at + label.Length)..].Trim(), source, i + 1, label.TrimEnd(':'));
            }
        }

        throw new CatalogException(source, start + 1, null, $"the throughput has no '{label}' line after it (expected the benchmark's full printout)");
    }

    /// <summary>
    /// <c>Throughput: 34.14 requests/s, 17466.30 total tokens/s, 8739.16 output tokens/s</c>; releases before the
    /// output rate was printed end after the total (<c>..., 4656.00 tokens/s</c>).
    /// </summary>
    [GeneratedRegex(@"Throughput:\s*(?<requests>[\d.,]+)\s*requests/s,\s*(?<total>[\d.,]+)\s*(?:total\s+)?tokens/s(?:,\s*(?<output>[\d.,]+)\s*output tokens/s)?")]
    private static partial Regex ThroughputLine();
}
