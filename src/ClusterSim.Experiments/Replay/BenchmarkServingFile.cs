using System.Globalization;
using System.Text.Json;
using ClusterSim.Core.Catalog;

namespace ClusterSim.Experiments.Replay;

/// <summary>
/// Reads the result JSON of vLLM's serving benchmark (<c>vllm bench serve --save-result</c>, formerly
/// <c>benchmark_serving.py</c>) as one measured run: its traffic (rate, burstiness, concurrency), the mean lengths it
/// sent and received, its mean TTFT, TPOT and E2E, and the TTFT and E2E p90 and p99 it reports. The server's set-up comes from <see cref="ServingSetup"/>.
/// </summary>
public static class BenchmarkServingFile
{
    /// <summary>Reads <paramref name="path"/>; a missing or malformed field is an error naming the file and the field.</summary>
    public static MeasuredRun Read(string path, ServingSetup setup) => Parse(File.ReadAllText(path), Path.GetFileName(path), setup);

    /// <summary>Parses result JSON text; <paramref name="source"/> names it in errors.</summary>
    public static MeasuredRun Parse(string json, string source, ServingSetup setup)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(json);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new CatalogException(source, (int)(e.LineNumber ?? 0) + 1, null, $"not valid JSON: {e.Message}");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new CatalogException(source, 1, null, "expected a JSON object (a benchmark result)");
        }

        string gpu = setup.Gpu ?? throw new CatalogException(source, 1, "gpu", "a benchmark result does not record the accelerator: give it (--gpu)");
        string model = Text(root, "model_id", source);
        double completed = Number(root, "completed", source);
        if (completed < 1)
        {
            throw new CatalogException(source, 1, "completed", "no request completed");
        }

        double input = Number(root, "total_input_tokens", source) / completed;
        double output = Number(root, "total_output_tokens", source) / completed;
        double ttft = Number(root, "mean_ttft_ms", source);
        double tpot = Number(root, "mean_tpot_ms", source);
        double e2e = Optional(root, "mean_e2el_ms", source) ?? (ttft + (tpot * Math.Max(0, output - 1)));
        double? rate = root.TryGetProperty("request_rate", out JsonElement r) && r.ValueKind == JsonValueKind.Number ? r.GetDouble() : null;
        double? concurrency = Optional(root, "max_concurrency", source);
        double burstiness = Optional(root, "burstiness", source) ?? 1;
        string arrival = rate is > 0 ? (burstiness == 1 ? "poisson" : "gamma") : concurrency is >= 1 ? "concurrency" : "offline";

        return new MeasuredRun
        {
            Line = 1,
            Experiment = Path.GetFileNameWithoutExtension(source),
            Stage = "all",
            Model = model,
            Gpu = gpu,
            TensorParallel = setup.TensorParallel,
            DataParallel = setup.DataParallel,
            DType = setup.DType,
            MaxSequences = setup.MaxSequences,
            MaxBatchedTokens = setup.MaxBatchedTokens,
            GpuMemoryUtilization = setup.GpuMemoryUtilization,
            CpuKvOffloadGib = setup.CpuKvOffloadGib,
            Engine = setup.Engine,
            EngineVersion = setup.EngineVersion,
            Sampling = "greedy",   // vLLM's benchmark client sends temperature 0 unless told otherwise
            Arrival = arrival,
            Burstiness = burstiness,
            Rate = arrival == "concurrency" ? concurrency : rate,
            Requests = (int)completed,
            FailedRequests = Optional(root, "failed", source) is double failed ? (int)failed : null,
            DurationSeconds = Optional(root, "duration", source),
            InputTokens = input,
            OutputTokens = output,
            OutputSource = "measured (vLLM benchmark)",
            TtftMs = ttft,
            ItlMs = tpot,
            E2eMs = e2e,
            // Percentiles where the benchmark was asked for them (--metric-percentiles; 99 by default, E2E only when listed).
            TtftP90Ms = Optional(root, "p90_ttft_ms", source),
            TtftP99Ms = Optional(root, "p99_ttft_ms", source),
            E2eP90Ms = Optional(root, "p90_e2el_ms", source),
            E2eP99Ms = Optional(root, "p99_e2el_ms", source),
            ThroughputTokensPerSecond = Optional(root, "output_throughput", source),
            Notes = root.TryGetProperty("mean_e2el_ms", out _) ? string.Empty : "E2E derived as mean TTFT + mean TPOT x (output - 1)",
        };
    }

    private static string Text(JsonElement root, string name, string source) =>
        root.TryGetProperty(name, out JsonElement e) && e.ValueKind == JsonValueKind.String && e.GetString() is { Length: > 0 } s
            ? s
            : throw new CatalogException(source, 1, name, "is required: expected a string");

    private static double Number(JsonElement root, string name, string source) =>
        Optional(root, name, source) ?? throw new CatalogException(source, 1, name, "is required: expected a number");

    private static double? Optional(JsonElement root, string name, string source)
    {
        if (!root.TryGetProperty(name, out JsonElement e) || e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (e.ValueKind == JsonValueKind.Number && double.IsFinite(e.GetDouble()))
        {
            return e.GetDouble();
        }

        throw new CatalogException(source, 1, name, string.Create(CultureInfo.InvariantCulture, $"expected a number, got {e.GetRawText()}"));
    }
}
