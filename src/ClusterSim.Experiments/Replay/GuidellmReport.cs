using System.Globalization;
using System.Text.Json;
using ClusterSim.Core.Catalog;

namespace ClusterSim.Experiments.Replay;

/// <summary>
/// Reads GuideLLM's report (vllm-project/guidellm, <c>--output-path benchmarks.json</c> or <c>--output kind=json</c>): one
/// measured run for each benchmark of a sweep. Each benchmark names its scheduling strategy (<c>config.strategy</c>, or
/// <c>args.strategy</c> before 0.5) and carries distributions of its successful requests' figures
/// (<c>metrics.&lt;name&gt;.successful</c>: mean, median, percentiles): request latency in seconds, TTFT and the gap
/// between tokens in milliseconds, prompt and output token counts and the output token rate.
/// <para>
/// The strategy is the traffic: <c>synchronous</c> one request at a time, <c>concurrent</c> a closed loop of its
/// <c>streams</c>, <c>throughput</c> as many as its <c>max_concurrency</c> in flight (unset, the client's own cap: 512
/// before 0.7, 10,240 from it), <c>constant</c> and <c>poisson</c> paced at their <c>rate</c>, at most their
/// <c>max_concurrency</c> in flight when set. GuideLLM weights each
/// request's gap between tokens by its gaps, so its mean ITL is the mean over all gaps, as the simulation scores it; its
/// TPOT divides the whole latency by the output tokens and is not read. Where the report lists the successful requests
/// (it does unless sampled), each one's prompt and output lengths are replayed in the order they started. The report does
/// not name the accelerator or the server's set-up: <see cref="ServingSetup"/> gives them.
/// </para>
/// </summary>
public static class GuidellmReport
{
    /// <summary>The client's cap on requests in flight under the throughput strategy when none was set (its settings' <c>max_concurrency</c>).</summary>
    private const int CapBefore07 = 512;
    private const int CapFrom07 = 10_240;

    /// <summary>The client's request timeout before 0.7 (its settings' <c>request_timeout</c>, 5 minutes); from 0.7 none unless the backend sets one.</summary>
    private const double TimeoutBefore07Seconds = 300;

    /// <summary>True when <paramref name="root"/> is a GuideLLM report: a list of benchmarks, each with its metrics.</summary>
    public static bool Holds(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object
        && root.TryGetProperty("benchmarks", out JsonElement benchmarks) && benchmarks.ValueKind == JsonValueKind.Array
        && benchmarks.GetArrayLength() > 0 && benchmarks[0].ValueKind == JsonValueKind.Object
        && benchmarks[0].TryGetProperty("metrics", out JsonElement metrics) && metrics.ValueKind == JsonValueKind.Object
        && metrics.TryGetProperty("request_latency", out _);

    /// <summary>
    /// Parses every benchmark of a report, each a run named <c>FILE#N-STRATEGY</c> (<c>benchmarks#3-constant@2.5</c>);
    /// errors name <paramref name="source"/> and the benchmark's field (<c>benchmarks[2].metrics.request_latency</c>).
    /// </summary>
    public static IReadOnlyList<MeasuredRun> Parse(JsonElement root, string source, ServingSetup setup)
    {
        (int Major, int Minor)? version = VersionOf(root);
        string stem = Path.GetFileNameWithoutExtension(source);
        var runs = new List<MeasuredRun>();
        int index = 0;
        foreach (JsonElement benchmark in root.GetProperty("benchmarks").EnumerateArray())
        {
            runs.Add(Benchmark(benchmark, index, stem, source, version, setup));
            index++;
        }

        return runs;
    }

    private static MeasuredRun Benchmark(JsonElement benchmark, int index, string stem, string source, (int Major, int Minor)? version, ServingSetup setup)
    {
        string at = string.Create(CultureInfo.InvariantCulture, $"benchmarks[{index}]");
        if (benchmark.ValueKind != JsonValueKind.Object)
        {
            throw new CatalogException(source, 1, at, "expected a benchmark (an object)");
        }

        JsonElement config = JsonFields.Section(benchmark, "config");
        JsonElement strategy = JsonFields.Section(config, "strategy") is { ValueKind: JsonValueKind.Object } current ? current
            : JsonFields.Section(JsonFields.Section(benchmark, "args"), "strategy");
        string kind = JsonFields.Text(strategy, "type_") ?? JsonFields.Text(strategy, "kind")
            ?? throw new CatalogException(source, 1, $"{at}.config.strategy.type_", "is required: expected the scheduling strategy (synchronous, concurrent, throughput, constant, poisson)");
        JsonElement metrics = JsonFields.Section(benchmark, "metrics");

        string model = setup.Model ?? JsonFields.Text(JsonFields.Section(config, "backend"), "model")
            ?? JsonFields.Text(JsonFields.Section(benchmark, "worker"), "backend_model")
            ?? throw new CatalogException(source, 1, $"{at}.config.backend.model", "the report does not name the model: give it (--model)");
        string gpu = setup.Gpu ?? throw new CatalogException(source, 1, "gpu", "a GuideLLM report does not record the accelerator: give it (--gpu)");

        int completed = Count(metrics, benchmark, "successful", source, at)
            ?? throw new CatalogException(source, 1, $"{at}.metrics.request_totals.successful", "is required: expected the requests that completed");
        if (completed < 1)
        {
            throw new CatalogException(source, 1, $"{at}.metrics.request_totals.successful", "no request completed");
        }

        int incomplete = Count(metrics, benchmark, "incomplete", source, at) ?? 0;
        int errored = Count(metrics, benchmark, "errored", source, at) ?? 0;
        double? rate = Number(strategy, "rate", source, $"{at}.config.strategy.rate");
        double? cap = Number(strategy, "max_concurrency", source, $"{at}.config.strategy.max_concurrency");
        double? streams = Number(strategy, "streams", source, $"{at}.config.strategy.streams");
        bool from07 = version is { } v && (v.Major > 0 || v.Minor >= 7);
        (string arrival, double? load, string label) = kind switch
        {
            "synchronous" => ("concurrency", 1.0, "synchronous"),
            "concurrent" when streams is >= 1 => ("concurrency", streams, string.Create(CultureInfo.InvariantCulture, $"concurrent@{streams}")),
            "throughput" => ("concurrency", Math.Min(cap ?? (from07 ? CapFrom07 : CapBefore07), completed),
                string.Create(CultureInfo.InvariantCulture, $"throughput@{(cap is null ? "unlimited" : cap.Value.ToString(CultureInfo.InvariantCulture))}")),
            "constant" or "poisson" when rate is > 0 => (kind, rate, string.Create(CultureInfo.InvariantCulture, $"{kind}@{rate:0.###}")),
            "concurrent" or "constant" or "poisson" => throw new CatalogException(source, 1, $"{at}.config.strategy.{(kind == "concurrent" ? "streams" : "rate")}",
                kind == "concurrent" ? "expected the number of concurrent streams, at least 1" : "expected a rate above 0 requests/s"),
            _ => throw new CatalogException(source, 1, $"{at}.config.strategy.type_", $"'{kind}' is not a strategy ClusterSim replays (synchronous, concurrent, throughput, constant, poisson)"),
        };

        double input = Length(metrics, "prompt_token_count", source, at);
        double output = Length(metrics, "output_token_count", source, at);
        double e2e = Statistic(metrics, "request_latency", "mean", source, at)
            ?? throw new CatalogException(source, 1, $"{at}.metrics.request_latency.successful.mean", "is required: expected the mean request latency, s");
        double? timeout = Number(JsonFields.Section(config, "backend"), "timeout", source, $"{at}.config.backend.timeout")
            ?? (from07 ? null : TimeoutBefore07Seconds);
        RequestLengths.Recorded? lengths = Requests(benchmark, completed, source, at);

        var notes = new List<string> { $"GuideLLM {kind} benchmark" };
        if (kind == "throughput")
        {
            notes.Add(cap is null
                ? $"as many requests in flight as the client allows ({(from07 ? CapFrom07 : CapBefore07):N0}{(version is null ? ", the cap before 0.7: the report names no release" : string.Empty)})"
                : "a closed loop of its max_concurrency");
        }

        if (incomplete + errored > 0)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"{incomplete} incomplete and {errored} errored requests left out of its figures, as the client leaves them"));
        }

        notes.Add(lengths is null ? "replayed at the measured mean lengths" : "each successful request's lengths, in the order they started");
        return setup.Run(1, string.Create(CultureInfo.InvariantCulture, $"{stem}#{index + 1}-{label}"), model, gpu) with
        {
            Sampling = Sampling(JsonFields.Section(JsonFields.Section(JsonFields.Section(config, "backend"), "extras"), "body"), source, $"{at}.config.backend.extras.body"),
            Workload = $"GuideLLM {label}",
            Arrival = arrival,
            Burstiness = arrival == "poisson" ? 1 : null,
            Rate = load,
            ConcurrencyCap = arrival is "poisson" or "constant" ? cap : null,
            Requests = completed,
            FailedRequests = errored > 0 ? errored : null,
            // An evenly paced run replays as a stage of its rate, as long as it took to send the requests measured.
            DurationSeconds = arrival == "constant" ? completed / load : Number(benchmark, "duration", source, $"{at}.duration"),
            ClientTimeoutSeconds = timeout,
            InputTokens = input,
            OutputTokens = output,
            Lengths = lengths,
            OutputSource = "measured (GuideLLM)",
            TtftMs = Statistic(metrics, "time_to_first_token_ms", "mean", source, at),
            TtftP50Ms = Statistic(metrics, "time_to_first_token_ms", "median", source, at),
            TtftP90Ms = Statistic(metrics, "time_to_first_token_ms", "p90", source, at),
            TtftP99Ms = Statistic(metrics, "time_to_first_token_ms", "p99", source, at),
            ItlMs = Statistic(metrics, "inter_token_latency_ms", "mean", source, at),
            E2eMs = e2e * 1e3,
            E2eP90Ms = Statistic(metrics, "request_latency", "p90", source, at) * 1e3,
            E2eP99Ms = Statistic(metrics, "request_latency", "p99", source, at) * 1e3,
            ThroughputTokensPerSecond = Statistic(metrics, "output_tokens_per_second", "mean", source, at),
            Notes = string.Join("; ", notes),
        };
    }

    /// <summary>How the requests sampled (<see cref="ClientSampling"/>), from the body 0.7's client adds to every request (<c>--backend</c> <c>extras.body</c>).</summary>
    private static string Sampling(JsonElement body, string source, string at) => ClientSampling.Of(
        Number(body, "temperature", source, $"{at}.temperature"), Number(body, "top_p", source, $"{at}.top_p"), Number(body, "top_k", source, $"{at}.top_k"));

    /// <summary>
    /// Requests of a status: the metrics' <c>request_totals</c> (0.5 on), the benchmark's (before), else the count of the
    /// request latency's distribution.
    /// </summary>
    private static int? Count(JsonElement metrics, JsonElement benchmark, string status, string source, string at)
    {
        foreach ((JsonElement section, string field) in new[]
        {
            (JsonFields.Section(metrics, "request_totals"), $"{at}.metrics.request_totals.{status}"),
            (JsonFields.Section(benchmark, "request_totals"), $"{at}.request_totals.{status}"),
            (JsonFields.Section(JsonFields.Section(metrics, "request_latency"), status), $"{at}.metrics.request_latency.{status}.count"),
        })
        {
            string name = field.EndsWith(".count", StringComparison.Ordinal) ? "count" : status;
            if (Number(section, name, source, field) is double n)
            {
                return n == Math.Floor(n) && n <= 100_000_000 ? (int)n
                    : throw new CatalogException(source, 1, field, string.Create(CultureInfo.InvariantCulture, $"expected a whole number of requests up to 100,000,000, got {n}"));
            }
        }

        return null;
    }

    /// <summary>
    /// Each successful request's prompt and output tokens, in the order they started (<c>info.timings.request_start</c>,
    /// <c>start_time</c> before 0.5), when the report lists every one; null when it lists none or a sample.
    /// </summary>
    private static RequestLengths.Recorded? Requests(JsonElement benchmark, int completed, string source, string at)
    {
        JsonElement requestsSection = JsonFields.Section(benchmark, "requests");
        if (requestsSection.ValueKind != JsonValueKind.Object || !requestsSection.TryGetProperty("successful", out JsonElement list)
            || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() != completed)
        {
            return null;
        }

        var requests = new List<(double Start, int Prompt, int Output)>(completed);
        int i = 0;
        foreach (JsonElement request in list.EnumerateArray())
        {
            string where = string.Create(CultureInfo.InvariantCulture, $"{at}.requests.successful[{i++}]");
            if (request.ValueKind != JsonValueKind.Object)
            {
                throw new CatalogException(source, 1, where, "expected a request (an object)");
            }

            double start = Number(JsonFields.Section(JsonFields.Section(request, "info"), "timings"), "request_start", source, $"{where}.info.timings.request_start")
                ?? Number(request, "start_time", source, $"{where}.start_time") ?? i;
            requests.Add((start, Tokens(request, "prompt_tokens", source, where), Tokens(request, "output_tokens", source, where)));
        }

        requests.Sort((a, b) => a.Start.CompareTo(b.Start));
        return new RequestLengths.Recorded(requests.Select(r => r.Prompt).ToList(), requests.Select(r => r.Output).ToList());
    }

    private static int Tokens(JsonElement request, string name, string source, string where) =>
        Number(request, name, source, $"{where}.{name}") is double v && v == Math.Floor(v) && v <= 10_000_000
            ? (int)Math.Max(v, 1)
            : throw new CatalogException(source, 1, $"{where}.{name}", "expected a whole number of tokens");

    private static double Length(JsonElement metrics, string name, string source, string at) =>
        Statistic(metrics, name, "mean", source, at) is double v
            ? v is >= 1 and <= 10_000_000 ? v : throw new CatalogException(source, 1, $"{at}.metrics.{name}.successful.mean", string.Create(CultureInfo.InvariantCulture, $"expected a mean length of 1 to 10,000,000 tokens, got {v}"))
            : throw new CatalogException(source, 1, $"{at}.metrics.{name}.successful.mean", "is required: expected the mean length, tokens");

    /// <summary>
    /// One statistic of a metric's successful requests (<c>mean</c>, <c>median</c>, or a percentile such as <c>p99</c>,
    /// read from <c>percentiles</c>); null when the metric or statistic is absent.
    /// </summary>
    private static double? Statistic(JsonElement metrics, string metric, string statistic, string source, string at)
    {
        JsonElement successful = JsonFields.Section(JsonFields.Section(metrics, metric), "successful");
        return statistic.StartsWith('p')
            ? Number(JsonFields.Section(successful, "percentiles"), statistic, source, $"{at}.metrics.{metric}.successful.percentiles.{statistic}")
            : Number(successful, statistic, source, $"{at}.metrics.{metric}.successful.{statistic}");
    }

    /// <summary>The release that wrote the report (<c>metadata.guidellm_version</c>, 0.5 on); null when it does not say.</summary>
    private static (int Major, int Minor)? VersionOf(JsonElement root)
    {
        string? text = JsonFields.Text(JsonFields.Section(root, "metadata"), "guidellm_version");
        string[] parts = text?.Split('.') ?? [];
        return parts.Length >= 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int major)
            && int.TryParse(new string(parts[1].TakeWhile(char.IsAsciiDigit).ToArray()), NumberStyles.None, CultureInfo.InvariantCulture, out int minor)
            ? (major, minor)
            : null;
    }

    /// <summary>A number that cannot be negative (a count, a rate, a latency), or null when unpublished.</summary>
    private static double? Number(JsonElement section, string name, string source, string field) =>
        JsonFields.NonNegative(section, name, source, 1, field);
}
