using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClusterSim.Core.Catalog;

namespace ClusterSim.Experiments.Replay;

/// <summary>
/// Reads the result JSON of a serving benchmark as measured runs: vLLM's (<c>vllm bench serve --save-result</c>, formerly
/// <c>benchmark_serving.py</c>) and SGLang's (<c>python -m sglang.bench_serving --output-file</c>), one result per file or
/// one per line (SGLang appends a line a run, as vLLM does with <c>--append-result</c>). Each gives its traffic (rate,
/// burstiness, concurrency), the mean lengths it sent and received, its mean TTFT, TPOT and E2E, and the TTFT and E2E
/// tails it reports. The server's set-up comes from <see cref="ServingSetup"/>. A file that is trtllm-bench's report
/// (<see cref="TrtllmBenchReport"/>), AIPerf's or GenAI-Perf's export (<see cref="AiperfExport"/>), LLMPerf's summary
/// (<see cref="LlmperfSummary"/>), GuideLLM's report of a sweep (<see cref="GuidellmReport"/>, a run a benchmark) or a stage of
/// inference-perf's lifecycle report (<see cref="InferencePerfReport"/>) is read as such.
/// </summary>
public static partial class BenchmarkServingFile
{
    /// <summary>Reads <paramref name="path"/>; a missing or malformed field is an error naming the file, the line and the field.</summary>
    public static IReadOnlyList<MeasuredRun> Read(string path, ServingSetup setup) =>
        LlmperfSummary.WithResponses(ParseAll(File.ReadAllText(path), Path.GetFileName(path), setup), path);

    /// <summary><paramref name="json"/> with Python's bare Infinity and NaN read as null (<see cref="NonStandardNumbers"/>).</summary>
    internal static string Standard(string json) => NonStandardNumbers().Replace(json, "null");

    /// <summary>
    /// Parses a file's text: one JSON object, or JSON Lines (one object a line). A file of several results names each run
    /// after its line (<c>name#3</c>).
    /// </summary>
    public static IReadOnlyList<MeasuredRun> ParseAll(string text, string source, ServingSetup setup)
    {
        string cleaned = NonStandardNumbers().Replace(text, "null");
        if (cleaned.AsSpan().Trim().IsEmpty)
        {
            throw new CatalogException(source, 1, null, "the file is empty: expected a benchmark result (a JSON object, or one a line)");
        }

        if (cleaned.AsSpan().Trim().IndexOfAny('\r', '\n') < 0)
        {
            return RunsOf(Document(cleaned, source, 1), source, 1, Path.GetFileNameWithoutExtension(source), setup);
        }

        try
        {
            using var document = JsonDocument.Parse(cleaned);
            return RunsOf(document.RootElement.Clone(), source, 1, Path.GetFileNameWithoutExtension(source), setup);
        }
        catch (JsonException)
        {
            // Not one object over several lines: JSON Lines, one object a line.
        }

        var runs = new List<MeasuredRun>();
        string[] lines = cleaned.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim().Length == 0)
            {
                continue;
            }

            runs.AddRange(RunsOf(Document(lines[i], source, i + 1), source, i + 1, $"{Path.GetFileNameWithoutExtension(source)}#{i + 1}", setup));
        }

        return runs;
    }

    /// <summary>The runs of one JSON document: each benchmark of a GuideLLM report (<see cref="GuidellmReport"/>), else the one result.</summary>
    private static IReadOnlyList<MeasuredRun> RunsOf(JsonElement root, string source, int line, string experiment, ServingSetup setup) =>
        GuidellmReport.Holds(root) ? GuidellmReport.Parse(root, source, setup) : [Parse(root, source, line, experiment, setup)];

    /// <summary>Parses one result's JSON text; <paramref name="source"/> names it in errors.</summary>
    public static MeasuredRun Parse(string json, string source, ServingSetup setup) =>
        Parse(Document(NonStandardNumbers().Replace(json, "null"), source, 1), source, 1, Path.GetFileNameWithoutExtension(source), setup);

    /// <summary>
    /// Python's json module writes infinite and undefined floats as bare Infinity and NaN (SGLang's request rate when it
    /// sends everything at once): not JSON, so they are read as null, as if not reported.
    /// </summary>
    [GeneratedRegex(@"(?<=[:\[,]\s*)-?(?:Infinity|NaN)(?=\s*[,}\]])")]
    private static partial Regex NonStandardNumbers();

    private static JsonElement Document(string json, string source, int line)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new CatalogException(source, line + (int)(e.LineNumber ?? 0), null, $"not valid JSON: {e.Message}");
        }
    }

    internal static MeasuredRun Parse(JsonElement root, string source, int line, string experiment, ServingSetup setup)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new CatalogException(source, line, null, "expected a JSON object (a benchmark result)");
        }

        if (TrtllmBenchReport.Holds(root))
        {
            // trtllm-bench's --report_json: it records the server as well as the measurements.
            return TrtllmBenchReport.Parse(root, source, setup) with { Line = line, Experiment = experiment };
        }

        if (AiperfExport.Holds(root))
        {
            // AIPerf's or GenAI-Perf's aggregate export (NIM and Dynamo benchmarks).
            return AiperfExport.Parse(root, source, line, experiment, setup);
        }

        if (InferencePerfReport.Holds(root))
        {
            // A stage of inference-perf's request lifecycle report: a constant-rate run of its own.
            return InferencePerfReport.Parse(root, source, line, experiment, setup);
        }

        if (VllmThroughputReport.Holds(root))
        {
            // vLLM's offline throughput benchmark (vllm bench throughput --output-json): every request at once, in process.
            return VllmThroughputReport.Parse(root, source, line, experiment, setup);
        }

        if (VllmLatencyReport.Holds(root))
        {
            // vLLM's latency benchmark (vllm bench latency --output-json): one batch at a time, its size and lengths given.
            return VllmLatencyReport.Parse(root, source, line, experiment, setup);
        }

        if (SglangOfflineThroughput.Holds(root))
        {
            // SGLang's offline throughput benchmark (bench_offline_throughput --result-filename): an engine in process.
            return SglangOfflineThroughput.Parse(root, source, line, experiment, setup);
        }

        if (LlmperfSummary.Holds(root))
        {
            // LLMPerf's summary (ray-project/llmperf): a closed loop of concurrent requests, its results flattened.
            return LlmperfSummary.Parse(root, source, line, experiment, setup);
        }

        // SGLang's client names the mean end-to-end latency differently and does not record the model.
        bool sglang = root.TryGetProperty("mean_e2e_latency_ms", out _);
        // Some harnesses add the server's accelerators to vLLM's result (gpu_name, gpu_count); the command line's win.
        (string Name, int Count)? recorded = setup.Gpu is null ? RecordedGpus(root, source, line) : null;
        string gpu = setup.Gpu ?? recorded?.Name ?? throw new CatalogException(source, line, "gpu", "a benchmark result does not record the accelerator: give it (--gpu)");
        int tensorParallel = recorded is { Count: > 1 } gpus && setup.TensorParallel == 1 ? gpus.Count : setup.TensorParallel;
        string model = setup.Model ?? (sglang && !root.TryGetProperty("model_id", out _)
            ? throw new CatalogException(source, line, "model_id", "an SGLang benchmark result does not record the model: give it (--model)")
            : Text(root, "model_id", source, line));
        double completed = Number(root, "completed", source, line);
        if (completed < 1)
        {
            throw new CatalogException(source, line, "completed", "no request completed");
        }

        double input = Number(root, "total_input_tokens", source, line) / completed;
        double output = Number(root, "total_output_tokens", source, line) / completed;
        double ttft = Number(root, "mean_ttft_ms", source, line);
        double tpot = Number(root, "mean_tpot_ms", source, line);
        double? measuredE2e = Optional(root, sglang ? "mean_e2e_latency_ms" : "mean_e2el_ms", source, line);
        RequestLatencies? latencies = BenchmarkRequests.Latencies(root, source, line);
        double e2e = measuredE2e ?? latencies?.E2eMs.Average() ?? (ttft + (tpot * Math.Max(0, output - 1)));
        double? rate = root.TryGetProperty("request_rate", out JsonElement r) && r.ValueKind == JsonValueKind.Number ? r.GetDouble() : null;
        double? concurrency = Optional(root, "max_concurrency", source, line);
        double burstiness = Optional(root, "burstiness", source, line) ?? 1;
        string arrival = rate is > 0 ? (burstiness == 1 ? "poisson" : "gamma") : concurrency is >= 1 ? "concurrency" : "offline";
        // Each request's lengths where the result lists them; else, for SGLang's random dataset, the ranges its client drew from.
        RequestLengths? lengths = (RequestLengths?)BenchmarkRequests.Lengths(root, source, line) ?? (sglang ? SglangRandomRanges(root, input, output, source, line) : null);
        string notes = measuredE2e is not null ? string.Empty
            : latencies is not null ? "E2E from each request's TTFT and token gaps (ttfts, itls)"
            : "E2E derived as mean TTFT + mean TPOT x (output - 1)";
        if (tensorParallel != setup.TensorParallel)
        {
            notes = string.Join("; ", new[] { notes, $"the result's gpu_count ({tensorParallel}) taken as the tensor-parallel size" }.Where(n => n.Length > 0));
        }

        return setup.Run(line, experiment, model, gpu) with
        {
            TensorParallel = tensorParallel,
            Engine = setup.Engine.Length > 0 || !sglang ? setup.Engine : EngineOf(root, source, line),
            Sampling = "greedy",   // both clients send temperature 0 unless told otherwise
            Arrival = arrival,
            Burstiness = burstiness,
            Rate = arrival == "concurrency" ? concurrency : rate,
            ConcurrencyCap = rate is > 0 ? concurrency : null,
            Requests = (int)completed,
            FailedRequests = Optional(root, "failed", source, line) is double failed ? (int)failed : null,
            DurationSeconds = Optional(root, "duration", source, line),
            InputTokens = input,
            OutputTokens = output,
            Lengths = lengths,
            OutputSource = sglang ? "measured (SGLang benchmark)" : "measured (vLLM benchmark)",
            TtftMs = ttft,
            ItlMs = tpot,
            E2eMs = e2e,
            // Percentiles where the benchmark was asked for them (vLLM: --metric-percentiles, 99 by default, E2E only when
            // listed; SGLang: TTFT and E2E p99, TTFT p90 in newer releases).
            // Or, where the result lists each request's latencies, as the clients compute them (numpy's linear percentile).
            TtftP50Ms = Optional(root, "median_ttft_ms", source, line) ?? latencies?.Ttft(50),
            TtftP90Ms = Optional(root, "p90_ttft_ms", source, line) ?? latencies?.Ttft(90),
            TtftP99Ms = Optional(root, "p99_ttft_ms", source, line) ?? latencies?.Ttft(99),
            E2eP90Ms = Optional(root, sglang ? "p90_e2e_latency_ms" : "p90_e2el_ms", source, line) ?? latencies?.E2e(90),
            E2eP99Ms = Optional(root, sglang ? "p99_e2e_latency_ms" : "p99_e2el_ms", source, line) ?? latencies?.E2e(99),
            // Time per output token a request, (E2E − TTFT) / (output − 1): both clients print its median and p99.
            TpotP50Ms = Optional(root, "median_tpot_ms", source, line),
            TpotP90Ms = Optional(root, "p90_tpot_ms", source, line),
            TpotP99Ms = Optional(root, "p99_tpot_ms", source, line),
            ThroughputTokensPerSecond = Optional(root, "output_throughput", source, line),
            Notes = notes,
        };
    }

    /// <summary>
    /// SGLang's random dataset draws each prompt length uniformly from [max(⌊L·r⌋, 1), L] and each output length from
    /// [⌊L·r⌋, L] (its <c>sample_random_requests</c>), L the <c>random_input_len</c> or <c>random_output_len</c> and r the
    /// <c>random_range_ratio</c>. Null unless the result names that dataset and all three, and unless the means it
    /// measured agree with those ranges within a tenth (a chat template or special tokens can shift the prompts).
    /// </summary>
    private static RequestLengths.Uniform? SglangRandomRanges(JsonElement root, double input, double output, string source, int line)
    {
        string dataset = root.TryGetProperty("dataset_name", out JsonElement d) && d.ValueKind == JsonValueKind.String ? d.GetString()! : string.Empty;
        if (dataset is not ("random" or "random-ids")
            || Optional(root, "random_input_len", source, line) is not double inputLen
            || Optional(root, "random_output_len", source, line) is not double outputLen
            || Optional(root, "random_range_ratio", source, line) is not double ratio
            || ratio is < 0 or >= 1)
        {
            return null;
        }

        (int Min, int Max) inputRange = (Math.Max((int)Math.Floor(inputLen * ratio), 1), (int)inputLen);
        (int Min, int Max) outputRange = (Math.Max((int)Math.Floor(outputLen * ratio), 1), (int)outputLen);
        static bool Agrees(double measured, (int Min, int Max) range) => Math.Abs(measured - ((range.Min + range.Max) / 2.0)) <= 0.1 * ((range.Min + range.Max) / 2.0);
        return Agrees(input, inputRange) && Agrees(output, outputRange) ? new RequestLengths.Uniform(inputRange, outputRange) : null;
    }

    /// <summary>
    /// The accelerator and count a harness added to the result (<c>gpu_name</c> as its driver names it, dashes for spaces:
    /// "NVIDIA-GeForce-RTX-4090"; <c>gpu_count</c>); null when it records none.
    /// </summary>
    private static (string Name, int Count)? RecordedGpus(JsonElement root, string source, int line)
    {
        if (!root.TryGetProperty("gpu_name", out JsonElement name) || name.ValueKind != JsonValueKind.String || name.GetString() is not { Length: > 0 } text)
        {
            return null;
        }

        // gpu_count is a number or a string of one ("1").
        int count = root.TryGetProperty("gpu_count", out JsonElement c) switch
        {
            false => 1,
            true when c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out int n) && n >= 1 => n,
            true when c.ValueKind == JsonValueKind.String && int.TryParse(c.GetString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) && n >= 1 => n,
            _ => throw new CatalogException(source, line, "gpu_count", "expected a whole number of accelerators, at least 1"),
        };
        return (text.Replace('-', ' ').Replace('_', ' '), count);
    }

    /// <summary>The engine an SGLang result's <c>backend</c> names (its client also benchmarks other servers); vLLM's when it names none.</summary>
    private static string EngineOf(JsonElement root, string source, int line)
    {
        string backend = root.TryGetProperty("backend", out JsonElement b) && b.ValueKind == JsonValueKind.String ? b.GetString()!.ToLowerInvariant() : "sglang";
        return backend.StartsWith("sglang", StringComparison.Ordinal) ? "sglang"
            : backend.StartsWith("vllm", StringComparison.Ordinal) ? "vllm"
            : backend.StartsWith("trt", StringComparison.Ordinal) || backend.StartsWith("tensorrt", StringComparison.Ordinal) ? "tensorrt-llm"
            : throw new CatalogException(source, line, "backend", $"'{backend}' is not an engine ClusterSim models (sglang, vllm, trt): give it (--engine)");
    }

    private static string Text(JsonElement root, string name, string source, int line) =>
        root.TryGetProperty(name, out JsonElement e) && e.ValueKind == JsonValueKind.String && e.GetString() is { Length: > 0 } s
            ? s
            : throw new CatalogException(source, line, name, "is required: expected a string");

    private static double Number(JsonElement root, string name, string source, int line) =>
        Optional(root, name, source, line) ?? throw new CatalogException(source, line, name, "is required: expected a number");

    private static double? Optional(JsonElement root, string name, string source, int line) => JsonFields.Number(root, name, source, line);
}
