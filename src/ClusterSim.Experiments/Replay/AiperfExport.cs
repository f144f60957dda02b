using System.Globalization;
using System.Text.Json;
using ClusterSim.Core.Catalog;

namespace ClusterSim.Experiments.Replay;

/// <summary>
/// Reads the aggregate export of NVIDIA's serving clients: AIPerf's <c>profile_export_aiperf.json</c> and GenAI-Perf's
/// <c>profile_export_genai_perf.json</c>, which NIM and Dynamo benchmarks publish. Each metric is an object of
/// statistics (<c>{"unit": "ms", "avg": …, "p90": …, "p99": …}</c>): the mean and tails of TTFT, of the gap between
/// tokens (the clients' TPOT: (latency − TTFT) / (output − 1) a request) and of request latency, the mean lengths, the
/// request count and the output throughput. <c>input_config</c> gives the traffic (a closed loop of <c>concurrency</c>
/// users, or a <c>request_rate</c> paced as <c>request_rate_mode</c> says: constant, Poisson or gamma, capped at
/// <c>concurrency</c> in flight when both are set) and the model; AIPerf's GPU telemetry, when it ran, names the GPU. The
/// rest of the server (parallelism, formats, limits, engine) comes from <see cref="ServingSetup"/>. Neither client asks for
/// a sampling mode unless told, so requests sample as the server does by default. <c>input_config</c> is documented as
/// not stable across releases; the keys of the releases seen (AIPerf's <c>endpoint</c> and <c>loadgen</c> sections,
/// GenAI-Perf's flat ones) are read.
/// </summary>
public static class AiperfExport
{
    /// <summary>True when <paramref name="root"/> is such an export: request latency statistics beside the client's configuration.</summary>
    public static bool Holds(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object
        && root.TryGetProperty("request_latency", out JsonElement latency) && latency.ValueKind == JsonValueKind.Object
        && root.TryGetProperty("input_config", out JsonElement config) && config.ValueKind == JsonValueKind.Object;

    /// <summary>Parses an export; errors name <paramref name="source"/>, <paramref name="line"/> and the field.</summary>
    public static MeasuredRun Parse(JsonElement root, string source, int line, string experiment, ServingSetup setup)
    {
        JsonElement config = root.GetProperty("input_config");
        JsonElement endpoint = Section(config, "endpoint");
        JsonElement loadgen = Section(config, "loadgen");

        string model = setup.Model ?? ModelOf(endpoint) ?? ModelOf(config)
            ?? throw new CatalogException(source, line, "input_config.endpoint.model_names", "the export does not name the model: give it (--model)");
        string gpu = setup.Gpu ?? TelemetryGpu(root)
            ?? throw new CatalogException(source, line, "telemetry_data", "the export does not name the GPU (no GPU telemetry): give it (--gpu)");

        double requests = Statistic(root, "request_count", "avg", source, line)
            ?? throw new CatalogException(source, line, "request_count", "is required: expected {\"avg\": the requests measured}");
        if (requests is < 1 or > 100_000_000 || requests != Math.Floor(requests))
        {
            throw new CatalogException(source, line, "request_count", string.Create(CultureInfo.InvariantCulture, $"expected a whole number of requests from 1 to 100,000,000, got {requests}"));
        }

        double input = Length(root, "input_sequence_length", source, line);
        double output = Length(root, "output_sequence_length", source, line);
        double e2e = Statistic(root, "request_latency", "avg", source, line)
            ?? throw new CatalogException(source, line, "request_latency", "is required: expected {\"avg\": the mean request latency, ms}");

        // A run that did not stream has no first token or gaps of its own (the clients then report the whole response).
        bool streaming = Flag(endpoint, "streaming") ?? Flag(config, "streaming") ?? true;
        double? concurrency = Number(loadgen, "concurrency", source, line) ?? Number(config, "concurrency", source, line);
        double? rate = Number(loadgen, "request_rate", source, line) ?? Number(config, "request_rate", source, line);
        // Unrecorded, the pattern is the client's default: AIPerf's Poisson, GenAI-Perf's (perf_analyzer's) constant rate.
        string? recorded = Text(loadgen, "request_rate_mode") ?? Text(loadgen, "arrival_pattern");
        string mode = (recorded ?? (loadgen.ValueKind == JsonValueKind.Object ? "poisson" : "constant")).ToLowerInvariant();
        if (concurrency is { } c && (c < 1 || c != Math.Floor(c)))
        {
            throw new CatalogException(source, line, "concurrency", string.Create(CultureInfo.InvariantCulture, $"expected a whole number of users, at least 1, got {c}"));
        }

        if (rate is <= 0)
        {
            throw new CatalogException(source, line, "request_rate", string.Create(CultureInfo.InvariantCulture, $"expected a rate above 0 requests/s, got {rate}"));
        }

        double? smoothness = Number(loadgen, "arrival_smoothness", source, line);
        string arrival = rate is null || mode == "concurrency_burst" ? "concurrency"
            : mode switch
            {
                "poisson" => "poisson",
                "gamma" => "gamma",
                "constant" => "constant",
                _ => throw new CatalogException(source, line, "request_rate_mode", $"'{mode}' is not an arrival pattern ClusterSim replays (constant, poisson, gamma, concurrency_burst)"),
            };

        return setup.Run(line, experiment, model, gpu) with
        {
            Arrival = arrival,
            Burstiness = arrival == "gamma" ? smoothness ?? 1 : arrival == "poisson" ? 1 : null,
            Rate = arrival == "concurrency" ? concurrency ?? 1 : rate,
            ConcurrencyCap = arrival == "concurrency" ? null : concurrency,
            Requests = (int)requests,
            FailedRequests = Statistic(root, "error_request_count", "avg", source, line) is double failed ? (int)Math.Min(failed, int.MaxValue) : null,
            // A constant rate replays as a stage of that rate: as long as it took to send the requests measured.
            DurationSeconds = arrival == "constant" ? requests / rate : Statistic(root, "benchmark_duration", "avg", source, line),
            InputTokens = input,
            OutputTokens = output,
            OutputSource = "measured (AIPerf / GenAI-Perf)",
            TtftMs = streaming ? Statistic(root, "time_to_first_token", "avg", source, line) : null,
            ItlMs = streaming ? Statistic(root, "inter_token_latency", "avg", source, line) : null,
            E2eMs = e2e,
            TtftP90Ms = streaming ? Statistic(root, "time_to_first_token", "p90", source, line) : null,
            TtftP99Ms = streaming ? Statistic(root, "time_to_first_token", "p99", source, line) : null,
            E2eP90Ms = Statistic(root, "request_latency", "p90", source, line),
            E2eP99Ms = Statistic(root, "request_latency", "p99", source, line),
            ThroughputTokensPerSecond = Statistic(root, "output_token_throughput", "avg", source, line),
            Notes = (streaming ? "AIPerf / GenAI-Perf export" : "AIPerf / GenAI-Perf export of a run without streaming: no TTFT or gaps")
                + (rate is not null && recorded is null ? $"; arrival pattern not recorded: the client's default ({mode})" : string.Empty),
        };
    }

    private static double Length(JsonElement root, string name, string source, int line) =>
        Statistic(root, name, "avg", source, line) is double v
            ? v is >= 1 and <= 10_000_000 ? v : throw new CatalogException(source, line, name, string.Create(CultureInfo.InvariantCulture, $"expected a mean length of 1 to 10,000,000 tokens, got {v}"))
            : throw new CatalogException(source, line, name, "is required: expected {\"avg\": the mean length, tokens}");

    /// <summary>The model the client named: AIPerf's <c>model_names</c>, GenAI-Perf's <c>model</c> (a name or a list).</summary>
    private static string? ModelOf(JsonElement section)
    {
        foreach (string key in new[] { "model_names", "model" })
        {
            if (section.ValueKind == JsonValueKind.Object && section.TryGetProperty(key, out JsonElement e))
            {
                string? name = e.ValueKind == JsonValueKind.String ? e.GetString()
                    : e.ValueKind == JsonValueKind.Array && e.GetArrayLength() > 0 && e[0].ValueKind == JsonValueKind.String ? e[0].GetString()
                    : null;
                if (name is { Length: > 0 })
                {
                    return name;
                }
            }
        }

        return null;
    }

    /// <summary>The GPU AIPerf's telemetry saw (its first endpoint's first GPU), or null when it did not run.</summary>
    private static string? TelemetryGpu(JsonElement root)
    {
        if (!root.TryGetProperty("telemetry_data", out JsonElement telemetry) || telemetry.ValueKind != JsonValueKind.Object
            || !telemetry.TryGetProperty("endpoints", out JsonElement endpoints) || endpoints.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (JsonProperty endpoint in endpoints.EnumerateObject())
        {
            if (endpoint.Value.ValueKind == JsonValueKind.Object && endpoint.Value.TryGetProperty("gpus", out JsonElement gpus) && gpus.ValueKind == JsonValueKind.Object)
            {
                foreach (JsonProperty gpu in gpus.EnumerateObject())
                {
                    if (gpu.Value.ValueKind == JsonValueKind.Object && gpu.Value.TryGetProperty("gpu_name", out JsonElement name)
                        && name.ValueKind == JsonValueKind.String && name.GetString() is { Length: > 0 } text)
                    {
                        return text;
                    }
                }
            }
        }

        return null;
    }

    /// <summary>One statistic of a metric object (<c>"ttft": {"avg": …}</c>); null when the metric or the statistic is absent.</summary>
    private static double? Statistic(JsonElement root, string metric, string statistic, string source, int line)
    {
        if (!root.TryGetProperty(metric, out JsonElement m) || m.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (m.ValueKind != JsonValueKind.Object)
        {
            throw new CatalogException(source, line, metric, $"expected an object of statistics ({{\"avg\": …}}), got {m.GetRawText()}");
        }

        return Number(m, statistic, source, line, $"{metric}.{statistic}");
    }

    /// <summary>A number that cannot be negative (a count, a rate, a latency), or null when unpublished.</summary>
    private static double? Number(JsonElement section, string name, string source, int line, string? field = null) =>
        JsonFields.NonNegative(section, name, source, line, field);

    private static JsonElement Section(JsonElement parent, string name) => JsonFields.Section(parent, name);

    private static string? Text(JsonElement section, string name) => JsonFields.Text(section, name);

    private static bool? Flag(JsonElement section, string name) =>
        section.ValueKind == JsonValueKind.Object && section.TryGetProperty(name, out JsonElement e) && e.ValueKind is JsonValueKind.True or JsonValueKind.False ? e.GetBoolean() : null;
}
