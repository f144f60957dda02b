using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClusterSim.Core.Catalog;

namespace ClusterSim.Experiments.Replay;

/// <summary>
/// Reads a stage of inference-perf's request lifecycle report (kubernetes-sigs/inference-perf,
/// <c>stage_N_lifecycle_metrics.json</c>) as a measured run: the stage's load (<c>load_summary.requested_rate</c>,
/// requests sent at it until rate × duration were), and its successful requests' latencies in seconds (request latency,
/// TTFT: mean, median and percentiles), prompt and output lengths as the client counted them, and output tokens a second.
/// <para>
/// inference-perf waits for a stage's requests to finish before it starts the next, so each stage is a run of its own
/// from an idle server, named after its file. Its figures time each request from its send; a client whose workers cap
/// the requests in flight (<c>num_workers</c> × <c>worker_max_concurrency</c>) falls behind its schedule above the
/// server's capacity, and the report records neither the cap nor the load's type: <see cref="ServingSetup"/> gives the
/// cap (<c>--max-concurrency</c>), and the rate is taken as even, inference-perf's <c>constant</c> load (said in the
/// note). The gap between tokens is (E2E − TTFT) / (output − 1) from the means: the report's own time per output token
/// divides by the streamed chunks, which a server may send more than one a token. The summary report across stages
/// has no rate and is refused with a pointer to the stage reports. The report names neither the model nor the
/// accelerator: <c>--model</c> and <c>--gpu</c> give them.
/// </para>
/// </summary>
public static partial class InferencePerfReport
{
    /// <summary>True when <paramref name="root"/> is such a report: a load summary beside the successful requests' statistics.</summary>
    public static bool Holds(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object
        && root.TryGetProperty("load_summary", out JsonElement load) && load.ValueKind == JsonValueKind.Object
        && root.TryGetProperty("successes", out JsonElement successes) && successes.ValueKind == JsonValueKind.Object;

    /// <summary>Parses a stage report; errors name <paramref name="source"/>, <paramref name="line"/> and the field.</summary>
    public static MeasuredRun Parse(JsonElement root, string source, int line, string experiment, ServingSetup setup)
    {
        JsonElement load = JsonFields.Section(root, "load_summary");
        double rate = Number(load, "requested_rate", source, line, "load_summary.requested_rate")
            ?? throw new CatalogException(source, line, "load_summary.requested_rate", SummaryAcrossStages().IsMatch(source)
                ? "this is inference-perf's summary across stages, which has no rate: replay the stage reports (stage_N_lifecycle_metrics.json), each a run"
                : "is required: expected the stage's request rate, requests/s");
        if (rate <= 0)
        {
            throw new CatalogException(source, line, "load_summary.requested_rate", string.Create(CultureInfo.InvariantCulture, $"expected a rate above 0 requests/s, got {rate}"));
        }

        string model = setup.Model ?? throw new CatalogException(source, line, "model", "an inference-perf report does not record the model: give it (--model)");
        string gpu = setup.Gpu ?? throw new CatalogException(source, line, "gpu", "an inference-perf report does not record the accelerator: give it (--gpu)");

        JsonElement successes = JsonFields.Section(root, "successes");
        JsonElement latency = JsonFields.Section(successes, "latency");
        int completed = Count(successes, "successes.count", source, line)
            ?? throw new CatalogException(source, line, "successes.count", "is required: expected the requests that succeeded");
        if (completed < 1)
        {
            throw new CatalogException(source, line, "successes.count", "no request succeeded");
        }

        int failed = Count(JsonFields.Section(root, "failures"), "failures.count", source, line) ?? 0;
        double input = Length(successes, "prompt_len", source, line);
        double output = Length(successes, "output_len", source, line);
        double e2e = Statistic(latency, "request_latency", "mean", source, line)
            ?? throw new CatalogException(source, line, "successes.latency.request_latency.mean", "is required: expected the mean request latency, s");
        double? ttft = Statistic(latency, "time_to_first_token", "mean", source, line);
        int sent = completed + failed;
        double? late = JsonFields.Number(JsonFields.Section(load, "schedule_delay"), "max", source, line, "load_summary.schedule_delay.max");
        string behind = late is > 1 ? string.Create(CultureInfo.InvariantCulture, $"; sends up to {late:0.#} s behind schedule") : string.Empty;
        return setup.Run(line, experiment, model, gpu) with
        {
            Workload = string.Create(CultureInfo.InvariantCulture, $"inference-perf stage at {rate:0.###} req/s"),
            Arrival = "constant",
            Rate = rate,
            DurationSeconds = sent / rate,
            Requests = sent,
            FailedRequests = failed > 0 ? failed : null,
            InputTokens = input,
            OutputTokens = output,
            OutputSource = "measured (inference-perf)",
            TtftMs = ttft * 1e3,
            ItlMs = ttft is { } first && output > 1 ? (e2e - first) * 1e3 / (output - 1) : null,
            E2eMs = e2e * 1e3,
            TtftP50Ms = Statistic(latency, "time_to_first_token", "median", source, line) * 1e3,
            TtftP90Ms = Statistic(latency, "time_to_first_token", "p90", source, line) * 1e3,
            TtftP99Ms = Statistic(latency, "time_to_first_token", "p99", source, line) * 1e3,
            E2eP90Ms = Statistic(latency, "request_latency", "p90", source, line) * 1e3,
            E2eP99Ms = Statistic(latency, "request_latency", "p99", source, line) * 1e3,
            ThroughputTokensPerSecond = Number(JsonFields.Section(successes, "throughput"), "output_tokens_per_sec", source, line, "successes.throughput.output_tokens_per_sec"),
            Notes = "inference-perf stage report: sent evenly at its rate (its constant load; the report does not record the type), a run of its own from an idle server; "
                + $"ITL as (E2E − TTFT) / (output − 1) from its means; {(setup.ConcurrencyCap is { } cap ? string.Create(CultureInfo.InvariantCulture, $"at most {cap:N0} in flight (--max-concurrency)") : "no cap on requests in flight (give the client's with --max-concurrency)")}{behind}",
        };
    }

    [GeneratedRegex(@"summary_lifecycle_metrics", RegexOptions.IgnoreCase)]
    private static partial Regex SummaryAcrossStages();

    private static int? Count(JsonElement section, string field, string source, int line) =>
        Number(section, "count", source, line, field) switch
        {
            null => null,
            double n when n == Math.Floor(n) && n <= 100_000_000 => (int)n,
            double n => throw new CatalogException(source, line, field, string.Create(CultureInfo.InvariantCulture, $"expected a whole number of requests up to 100,000,000, got {n}")),
        };

    private static double Length(JsonElement successes, string name, string source, int line) =>
        Number(JsonFields.Section(successes, name), "mean", source, line, $"successes.{name}.mean") is double v
            ? v is >= 1 and <= 10_000_000 ? v : throw new CatalogException(source, line, $"successes.{name}.mean", string.Create(CultureInfo.InvariantCulture, $"expected a mean length of 1 to 10,000,000 tokens, got {v}"))
            : throw new CatalogException(source, line, $"successes.{name}.mean", "is required: expected the mean length, tokens");

    /// <summary>One statistic (<c>mean</c>, <c>median</c>, <c>p90</c>, ...) of a latency the report gives in seconds; null when absent.</summary>
    private static double? Statistic(JsonElement latency, string metric, string statistic, string source, int line) =>
        Number(JsonFields.Section(latency, metric), statistic, source, line, $"successes.latency.{metric}.{statistic}");

    /// <summary>A number that cannot be negative (a count, a rate, a latency), or null when unpublished.</summary>
    private static double? Number(JsonElement section, string name, string source, int line, string field) =>
        JsonFields.NonNegative(section, name, source, line, field);
}
