using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClusterSim.Core.Catalog;
using ClusterSim.Core.Inference;

namespace ClusterSim.Experiments.Replay;

/// <summary>
/// Reads the report <c>trtllm-bench throughput</c> prints (TensorRT-LLM's benchmark; NVIDIA/TensorRT-LLM,
/// tensorrt_llm/bench/dataclasses/reporting.py) or writes with <c>--report_json</c>. Unlike a serving client's result it
/// records the server too: the model, the release, the weight and KV formats, the GPU, the parallelism, the batch limits
/// the run used (its own heuristic's when the command set none), the scheduling policy and the KV memory share, beside
/// the request count, the mean lengths, the throughput, the mean request latency and, for a streaming run, the mean TTFT
/// and TPOT with their percentiles. The printed form is read line by line into the JSON form's fields, so both are
/// interpreted alike. <c>trtllm-bench throughput</c> issues every request at once unless told <c>--concurrency</c>, which
/// the report does not record: a run is replayed as all at once (<see cref="ServingSetup"/> cannot say otherwise yet).
/// The 2024 releases (0.12, 0.13) printed a shorter report — engine details, world information, and "= STATISTICS" with
/// "Token Throughput (tokens/sec)" (output tokens a second: its own sample, 182.86 requests/s of 128 output tokens, is
/// 23,406), "Total Latency (seconds)" and no mean request latency or GPU name — which is read too.
/// </summary>
public static class TrtllmBenchReport
{
    /// <summary>The header of the printed report's performance section.</summary>
    public const string Banner = "= PERFORMANCE OVERVIEW";

    /// <summary>The header of the performance section of the 2024 releases' report (0.12, 0.13).</summary>
    public const string StatisticsBanner = "= STATISTICS";

    /// <summary>Printed labels and the report JSON's sections and fields they carry.</summary>
    private static readonly Dictionary<string, (string Section, string Field)> Labels = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Model"] = ("engine", "model"),
        ["TensorRT LLM Version"] = ("engine", "version"),
        ["TensorRT-LLM Version"] = ("engine", "version"),
        ["Dtype"] = ("engine", "dtype"),
        ["KV Cache Dtype"] = ("engine", "kv_cache_dtype"),
        ["Quantization"] = ("engine", "quantization"),
        ["TP Size"] = ("world_info", "tp_size"),
        ["PP Size"] = ("world_info", "pp_size"),
        ["EP Size"] = ("world_info", "ep_size"),
        ["Max Runtime Batch Size"] = ("world_info", "max_batch_size"),
        ["Max Runtime Tokens"] = ("world_info", "max_num_tokens"),
        ["Scheduling Policy"] = ("world_info", "scheduling_policy"),
        ["KV Memory Percentage"] = ("world_info", "kv_cache_percentage"),
        ["Number of requests"] = ("request_info", "num_requests"),
        ["Average Input Length (tokens)"] = ("request_info", "avg_input_length"),
        ["Average Output Length (tokens)"] = ("request_info", "avg_output_length"),
        ["Total Output Throughput (tokens/sec)"] = ("performance", "system_output_throughput_tok_s"),
        ["Total Latency (ms)"] = ("performance", "total_latency_ms"),
        ["Token Throughput (tokens/sec)"] = ("performance", "system_output_throughput_tok_s"),   // 2024's report: output tokens
        ["Total Latency (seconds)"] = ("performance", "total_latency_s"),
        ["Average request latency (ms)"] = ("performance", "avg_request_latency_ms"),
        ["Average time-to-first-token [TTFT] (ms)"] = ("streaming_metrics", "avg_ttft_ms"),
        ["Average time-per-output-token [TPOT] (ms)"] = ("streaming_metrics", "avg_tpot_ms"),
    };

    /// <summary>Percentile lines ("[TTFT] P90    : 96583.7187") and the section objects that hold them.</summary>
    private static readonly Dictionary<string, (string Section, string Field)> Percentiles = new(StringComparer.OrdinalIgnoreCase)
    {
        ["[TTFT]"] = ("streaming_metrics", "ttft_percentiles"),
        ["[TPOT]"] = ("streaming_metrics", "tpot_percentiles"),
        ["[Latency]"] = ("performance", "request_latency_percentiles_ms"),
    };

    /// <summary>Fields read as text; every other one is a number.</summary>
    private static readonly HashSet<string> TextFields = new(StringComparer.Ordinal) { "model", "version", "dtype", "kv_cache_dtype", "quantization", "scheduling_policy" };

    /// <summary>True when <paramref name="text"/> is a printed trtllm-bench report.</summary>
    public static bool Holds(string text) =>
        (text.Contains(Banner, StringComparison.Ordinal) || text.Contains(StatisticsBanner, StringComparison.Ordinal)) && text.Contains("= WORLD + RUNTIME INFORMATION", StringComparison.Ordinal);

    /// <summary>True when <paramref name="root"/> is a trtllm-bench report JSON (<c>--report_json</c>).</summary>
    public static bool Holds(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("world_info", out _) && root.TryGetProperty("performance", out _);

    /// <summary>Parses a printed report; <paramref name="source"/> names it in errors, which give the line of the field.</summary>
    public static MeasuredRun Parse(string text, string source, ServingSetup setup)
    {
        string[] lines = text.Split('\n');
        var root = new JsonObject();
        var lineOf = new Dictionary<string, int>(StringComparer.Ordinal);
        bool machineNext = false;
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim().TrimEnd('\r');
            if (line.StartsWith("= MACHINE DETAILS", StringComparison.Ordinal))
            {
                machineNext = true;
                continue;
            }

            if (line.Length == 0 || line.All(c => c == '='))
            {
                continue;
            }

            if (machineNext)
            {
                // "NVIDIA H100 80GB HBM3, memory 79.19 GB, 2.62 GHz" (or "No GPU info available").
                machineNext = false;
                if (!line.StartsWith("No GPU info", StringComparison.OrdinalIgnoreCase))
                {
                    Section(root, "machine")["name"] = line.Split(',', 2)[0].Trim();
                }

                continue;
            }

            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            string label = line[..colon].Trim();
            string value = line[(colon + 1)..].Trim();
            if (label.StartsWith('[') && label.IndexOf(']') is > 0 and int close && Percentiles.TryGetValue(label[..(close + 1)], out var holder))
            {
                string key = label[(close + 1)..].Trim().ToLowerInvariant();
                Section(Section(root, holder.Section), holder.Field)[key] = Number(value, label, source, i + 1);
                continue;
            }

            if (!Labels.TryGetValue(label, out var target) || Section(root, target.Section).ContainsKey(target.Field))
            {
                continue;   // another section's line, or a label printed twice (the first, the run's own, wins)
            }

            lineOf[target.Field] = i + 1;
            Section(root, target.Section)[target.Field] = TextFields.Contains(target.Field) ? value
                : target.Field == "kv_cache_percentage" ? Share(value, label, source, i + 1)
                : Number(value, label, source, i + 1);
        }

        int first = Array.FindIndex(lines, l => l.Contains(Banner, StringComparison.Ordinal) || l.Contains(StatisticsBanner, StringComparison.Ordinal)) + 1;
        using JsonDocument document = JsonDocument.Parse(root.ToJsonString());
        return Parse(document.RootElement, source, setup, field => lineOf.TryGetValue(field, out int at) ? at : first);
    }

    /// <summary>Parses a report JSON (<c>--report_json</c>); errors name the file, line 1 and the field.</summary>
    public static MeasuredRun Parse(JsonElement root, string source, ServingSetup setup) => Parse(root, source, setup, _ => 1);

    private static MeasuredRun Parse(JsonElement root, string source, ServingSetup setup, Func<string, int> lineOf)
    {
        JsonElement engine = JsonFields.Section(root, "engine");
        JsonElement world = JsonFields.Section(root, "world_info");
        JsonElement requests = JsonFields.Section(root, "request_info");
        JsonElement performance = JsonFields.Section(root, "performance");
        JsonElement? streaming = root.TryGetProperty("streaming_metrics", out JsonElement s) && s.ValueKind == JsonValueKind.Object ? s : null;
        double Required(JsonElement section, string field) =>
            Optional(section, field, source, lineOf(field)) ?? throw new CatalogException(source, lineOf(field), field, "is required: expected a number (the report's full summary)");

        string model = setup.Model ?? Text(engine, "model") ?? throw new CatalogException(source, lineOf("model"), "model", "the report does not name the model: give it (--model)");
        string gpu = setup.Gpu
            ?? (root.TryGetProperty("machine", out JsonElement machine) && machine.ValueKind == JsonValueKind.Object ? Text(machine, "name") : null)
            ?? throw new CatalogException(source, 1, "machine", "the report does not name the GPU (no machine details): give it (--gpu)");
        int tp = Integer(world, "tp_size", 1, 1024, source, lineOf("tp_size")) ?? setup.TensorParallel;
        if (Optional(world, "pp_size", source, lineOf("pp_size")) is double pp && pp > 1)
        {
            throw new CatalogException(source, lineOf("pp_size"), "pp_size", string.Create(CultureInfo.InvariantCulture, $"the run used pipeline parallelism ({pp}), which replay does not model; replay runs of tensor parallelism alone"));
        }

        int count = Integer(requests, "num_requests", 1, 100_000_000, source, lineOf("num_requests"))
            ?? throw new CatalogException(source, lineOf("num_requests"), "num_requests", "is required: expected a number (the report's full summary)");
        double MeanLength(string field) => Required(requests, field) switch
        {
            >= 1 and <= 10_000_000 and var v => v,
            var v => throw new CatalogException(source, lineOf(field), field, string.Create(CultureInfo.InvariantCulture, $"expected a mean length of 1 to 10,000,000 tokens, got {v}")),
        };
        double input = MeanLength("avg_input_length"), output = MeanLength("avg_output_length");

        // 1.x prints the enum's name (GUARANTEED_NO_EVICT), 2024's releases its words ("Guaranteed No Evict").
        string policy = (Text(world, "scheduling_policy") ?? string.Empty).Trim().Replace(' ', '_');
        KvAdmissionPolicy? admission = policy.Contains("MAX_UTILIZATION", StringComparison.OrdinalIgnoreCase) ? KvAdmissionPolicy.Grow
            : policy.Contains("GUARANTEED_NO_EVICT", StringComparison.OrdinalIgnoreCase) ? KvAdmissionPolicy.Reserve
            : policy.Length == 0 || policy.Equals("None", StringComparison.OrdinalIgnoreCase) ? null
            : throw new CatalogException(source, lineOf("scheduling_policy"), "scheduling_policy", $"'{policy}' is not a policy ClusterSim models (GUARANTEED_NO_EVICT, MAX_UTILIZATION)");

        bool legacy = !performance.TryGetProperty("avg_request_latency_ms", out _) && performance.TryGetProperty("total_latency_s", out _);
        double? ttft = streaming is { } st ? Optional(st, "avg_ttft_ms", source, lineOf("avg_ttft_ms")) : null;
        double? tpot = streaming is { } sp ? Optional(sp, "avg_tpot_ms", source, lineOf("avg_tpot_ms")) : null;
        return setup.Run(lineOf("num_requests"), Path.GetFileNameWithoutExtension(source), model, gpu) with
        {
            TensorParallel = tp,
            DType = setup.DType.Length > 0 && setup.DType != "BF16" ? setup.DType : WeightsOf(Text(engine, "quantization"), Text(engine, "dtype")),
            KvCacheDType = (Text(engine, "kv_cache_dtype") ?? string.Empty).Contains("FP8", StringComparison.OrdinalIgnoreCase) ? "fp8" : string.Empty,
            MaxSequences = setup.MaxSequences ?? Integer(world, "max_batch_size", 1, 1_000_000, source, lineOf("max_batch_size")),
            MaxBatchedTokens = setup.MaxBatchedTokens ?? Integer(world, "max_num_tokens", 1, 10_000_000, source, lineOf("max_num_tokens")),
            GpuMemoryUtilization = setup.GpuMemoryUtilization ?? KvShare(world, source, lineOf("kv_cache_percentage")),
            KvAdmission = admission,
            Engine = "tensorrt-llm",
            EngineVersion = setup.EngineVersion.Length > 0 ? setup.EngineVersion : Text(engine, "version") ?? string.Empty,
            Sampling = "greedy",   // trtllm-bench's requests set no sampling: TensorRT-LLM decodes greedily
            Arrival = "offline",
            Requests = count,
            DurationSeconds = Optional(performance, "total_latency_ms", source, lineOf("total_latency_ms")) / 1e3
                ?? Optional(performance, "total_latency_s", source, lineOf("total_latency_s")),
            InputTokens = input,
            OutputTokens = output,
            OutputSource = "measured (trtllm-bench)",
            TtftMs = ttft,
            ItlMs = tpot,
            // 2024's report prints no mean request latency: its runs are scored on their throughput alone.
            E2eMs = legacy ? Optional(performance, "avg_request_latency_ms", source, lineOf("avg_request_latency_ms")) : Required(performance, "avg_request_latency_ms"),
            TtftP90Ms = Percentile(streaming, "ttft_percentiles", "p90"),
            TtftP99Ms = Percentile(streaming, "ttft_percentiles", "p99"),
            E2eP90Ms = Percentile(performance, "request_latency_percentiles_ms", "p90"),
            E2eP99Ms = Percentile(performance, "request_latency_percentiles_ms", "p99"),
            ThroughputTokensPerSecond = Required(performance, "system_output_throughput_tok_s"),
            Notes = legacy ? "trtllm-bench report of a 2024 release: output throughput alone"
                : streaming is null ? "trtllm-bench report without streaming: no TTFT or TPOT" : "trtllm-bench report",
        };
    }

    /// <summary>
    /// The weight format the report's quantisation names (FP8, NVFP4 → FP4, W4A16 AWQ/GPTQ → INT4, W8A8 → INT8), else the
    /// 16-bit type it computes in.
    /// </summary>
    private static string WeightsOf(string? quantization, string? dtype)
    {
        string q = (quantization ?? string.Empty).ToUpperInvariant();
        return q.Contains("FP4", StringComparison.Ordinal) ? "FP4"
            : q.Contains("FP8", StringComparison.Ordinal) ? "FP8"
            : q.Contains("W4A", StringComparison.Ordinal) || q.Contains("AWQ", StringComparison.Ordinal) || q.Contains("GPTQ", StringComparison.Ordinal) || q.Contains("INT4", StringComparison.Ordinal) ? "INT4"
            : q.Contains("W8A", StringComparison.Ordinal) || q.Contains("INT8", StringComparison.Ordinal) ? "INT8"
            : (dtype ?? string.Empty).Trim() is { Length: > 0 } d ? d
            : string.Empty;
    }

    private static double? Percentile(JsonElement? section, string holder, string key) =>
        section is { } s && s.TryGetProperty(holder, out JsonElement p) && p.ValueKind == JsonValueKind.Object
            && p.TryGetProperty(key, out JsonElement v) && v.ValueKind == JsonValueKind.Number && double.IsFinite(v.GetDouble())
            ? v.GetDouble()
            : null;

    /// <summary>The KV memory share the run was given (a fraction in the JSON form), or null when the report says None.</summary>
    private static double? KvShare(JsonElement world, string source, int line) =>
        Optional(world, "kv_cache_percentage", source, line) switch
        {
            null => null,
            double v when v is > 0 and <= 1 => v,
            double v => throw new CatalogException(source, line, "kv_cache_percentage", string.Create(CultureInfo.InvariantCulture, $"expected a share of memory above 0 and at most 1, got {v}")),
        };

    /// <summary>A field as text, or null when unpublished or printed as Python's None.</summary>
    private static string? Text(JsonElement section, string name) =>
        JsonFields.Text(section, name) is { } text && !text.Equals("None", StringComparison.OrdinalIgnoreCase) ? text : null;

    private static double? Optional(JsonElement section, string name, string source, int line) => JsonFields.Number(section, name, source, line);

    private static int? Integer(JsonElement section, string name, int min, int max, string source, int line) => JsonFields.Integer(section, name, min, max, source, line);

    private static JsonObject Section(JsonObject parent, string name)
    {
        if (parent[name] is JsonObject existing)
        {
            return existing;
        }

        var created = new JsonObject();
        parent[name] = created;
        return created;
    }

    /// <summary>A printed number ("15220.7382", "1.2000E+01"), or null where the report prints None.</summary>
    private static JsonNode? Number(string value, string label, string source, int line)
    {
        if (value.Equals("None", StringComparison.OrdinalIgnoreCase) || value.Equals("N/A", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        string first = value.Split(' ', 2)[0].Replace(",", string.Empty, StringComparison.Ordinal);
        return double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) && double.IsFinite(number)
            ? JsonValue.Create(number)
            : throw new CatalogException(source, line, label, $"expected a number, got '{value}'");
    }

    /// <summary>The KV share as printed ("90.00%"), as a fraction; null where the report prints None (the engine's default).</summary>
    private static JsonNode? Share(string value, string label, string source, int line)
    {
        string trimmed = value.TrimEnd('%').Trim();
        if (Number(trimmed, label, source, line) is not JsonValue number)
        {
            return null;
        }

        double percent = number.GetValue<double>();
        return percent is > 0 and <= 100
            ? JsonValue.Create(percent / 100)
            : throw new CatalogException(source, line, label, $"expected a percentage between 0 and 100, got '{value}'");
    }
}
