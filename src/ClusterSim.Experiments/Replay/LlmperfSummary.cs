using System.Globalization;
using System.Text.Json;
using ClusterSim.Core.Catalog;

namespace ClusterSim.Experiments.Replay;

/// <summary>
/// Reads the summary LLMPerf (ray-project/llmperf, <c>token_benchmark_ray.py</c>) writes as
/// <c>{model}_{input}_{output}_summary.json</c>: its metadata (model, mean and standard deviation of the prompt and output
/// lengths asked for, <c>num_concurrent_requests</c>) and its results flattened with underscores
/// (<c>results_ttft_s_mean</c>, <c>results_end_to_end_latency_s_quantiles_p99</c>, ...), in seconds.
/// <para>
/// The client keeps <c>num_concurrent_requests</c> requests in flight, each sent when one finishes: a closed loop of that
/// many users without think time. Its <c>inter_token_latency_s</c> is not a gap between tokens: each request's sum of
/// gaps counts the wait for the first token too, divided by its output tokens, so it is about E2E / output. The run is
/// scored instead on the gap the other clients report, taken from the same run's means: (E2E − TTFT) / (output − 1). Prompt
/// and output lengths were drawn from normals about the means asked for (and an answer may stop early); the run is
/// replayed at the measured means, <c>results_number_input_tokens_mean</c> and <c>results_number_output_tokens_mean</c>.
/// The summary does not name the accelerator: <c>--gpu</c> gives it, as for a vLLM result.
/// </para>
/// </summary>
public static class LlmperfSummary
{
    /// <summary>True when <paramref name="root"/> is an LLMPerf summary: flattened results beside the concurrency it ran at.</summary>
    public static bool Holds(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object
        && root.TryGetProperty("results_end_to_end_latency_s_mean", out _)
        && root.TryGetProperty("num_concurrent_requests", out _);

    /// <summary>Parses a summary; errors name <paramref name="source"/>, <paramref name="line"/> and the field.</summary>
    public static MeasuredRun Parse(JsonElement root, string source, int line, string experiment, ServingSetup setup)
    {
        string model = setup.Model ?? Model(root)
            ?? throw new CatalogException(source, line, "model", "the summary does not name the model: give it (--model)");
        string gpu = setup.Gpu ?? throw new CatalogException(source, line, "gpu", "an LLMPerf summary does not record the accelerator: give it (--gpu)");

        double users = Required(root, "num_concurrent_requests", source, line);
        if (users < 1 || users != Math.Floor(users))
        {
            throw new CatalogException(source, line, "num_concurrent_requests", string.Create(CultureInfo.InvariantCulture, $"expected a whole number of concurrent requests, at least 1, got {users}"));
        }

        double completed = Required(root, "results_num_completed_requests", source, line);
        if (completed < 1 || completed != Math.Floor(completed) || completed > 100_000_000)
        {
            throw new CatalogException(source, line, "results_num_completed_requests", string.Create(CultureInfo.InvariantCulture, $"expected a whole number of completed requests from 1 to 100,000,000, got {completed}"));
        }

        double input = Length(root, "results_number_input_tokens_mean", source, line);
        double output = Length(root, "results_number_output_tokens_mean", source, line);
        double e2e = Required(root, "results_end_to_end_latency_s_mean", source, line) * 1e3;
        double? ttft = Seconds(root, "results_ttft_s_mean", source, line);
        double? itl = ttft is { } first && output > 1 ? (e2e - first) / (output - 1) : null;
        double? errors = Number(root, "results_number_errors", source, line);
        string spreads = string.Create(CultureInfo.InvariantCulture,
            $"prompts and outputs drawn about {Number(root, "mean_input_tokens", source, line) ?? input:0} ± {Number(root, "stddev_input_tokens", source, line) ?? 0:0} and {Number(root, "mean_output_tokens", source, line) ?? output:0} ± {Number(root, "stddev_output_tokens", source, line) ?? 0:0} tokens, replayed at the measured means");
        return setup.Run(line, experiment, model, gpu) with
        {
            Sampling = Sampling(root, source, line),
            Arrival = "concurrency",
            Rate = users,
            Requests = (int)completed,
            FailedRequests = errors is { } failed ? (int)Math.Min(failed, int.MaxValue) : null,
            InputTokens = input,
            OutputTokens = output,
            OutputSource = Source,
            TtftMs = ttft,
            ItlMs = itl,
            E2eMs = e2e,
            TtftP50Ms = Seconds(root, "results_ttft_s_quantiles_p50", source, line),
            TtftP90Ms = Seconds(root, "results_ttft_s_quantiles_p90", source, line),
            TtftP99Ms = Seconds(root, "results_ttft_s_quantiles_p99", source, line),
            E2eP90Ms = Seconds(root, "results_end_to_end_latency_s_quantiles_p90", source, line),
            E2eP99Ms = Seconds(root, "results_end_to_end_latency_s_quantiles_p99", source, line),
            ThroughputTokensPerSecond = Number(root, "results_mean_output_throughput_token_per_s", source, line),
            Notes = $"LLMPerf summary: ITL as (E2E − TTFT) / (output − 1) from its means (its own inter_token_latency_s counts the first token's wait); {spreads}",
        };
    }

    /// <summary>
    /// Each LLMPerf run of <paramref name="runs"/>, read from the summary at <paramref name="path"/>, with the requests the
    /// client wrote beside it (<c>…_individual_responses.json</c>, in the order they completed): each successful request's
    /// lengths, replayed in that order, and the gap between tokens as the other clients compute it, request by request.
    /// Without that file, the runs as they are.
    /// </summary>
    /// <exception cref="CatalogException">The file is there but not a list of requests: named with the request and field.</exception>
    public static IReadOnlyList<MeasuredRun> WithResponses(IReadOnlyList<MeasuredRun> runs, string path)
    {
        string name = Path.GetFileName(path);
        if (!name.EndsWith("_summary.json", StringComparison.Ordinal) || runs is not [{ OutputSource: Source } run])
        {
            return runs;
        }

        string responses = Path.Combine(Path.GetDirectoryName(path) ?? string.Empty, name[..^"_summary.json".Length] + "_individual_responses.json");
        return File.Exists(responses) ? [WithResponses(run, File.ReadAllText(responses), Path.GetFileName(responses))] : runs;
    }

    /// <summary><paramref name="run"/> with the requests listed in <paramref name="json"/>, the text of <paramref name="source"/>.</summary>
    internal static MeasuredRun WithResponses(MeasuredRun run, string json, string source)
    {
        JsonElement list;
        try
        {
            using var document = JsonDocument.Parse(BenchmarkServingFile.Standard(json));
            list = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new CatalogException(source, 1 + (int)(e.LineNumber ?? 0), null, $"not valid JSON: {e.Message}");
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            throw new CatalogException(source, 1, null, "expected a list of requests (LLMPerf's individual responses)");
        }

        var prompts = new List<int>();
        var outputs = new List<int>();
        double gaps = 0;
        int gapped = 0, index = 0;
        foreach (JsonElement request in list.EnumerateArray())
        {
            string at = string.Create(CultureInfo.InvariantCulture, $"[{index++}]");
            if (request.ValueKind != JsonValueKind.Object)
            {
                throw new CatalogException(source, 1, at, "expected a request (an object)");
            }

            if (request.TryGetProperty("error_code", out JsonElement error) && error.ValueKind != JsonValueKind.Null)
            {
                continue;   // failed: not sent again, as the summary leaves it out
            }

            int prompt = Count(request, "number_input_tokens", source, at);
            int output = Count(request, "number_output_tokens", source, at);
            double ttft = Number(request, "ttft_s", source, 1, $"{at}.ttft_s") ?? throw new CatalogException(source, 1, $"{at}.ttft_s", "is required");
            double e2e = Number(request, "end_to_end_latency_s", source, 1, $"{at}.end_to_end_latency_s") ?? throw new CatalogException(source, 1, $"{at}.end_to_end_latency_s", "is required");
            prompts.Add(Math.Max(prompt, 1));
            outputs.Add(Math.Max(output, 1));
            if (output > 1)
            {
                gaps += (e2e - ttft) * 1e3 / (output - 1);
                gapped++;
            }
        }

        if (prompts.Count == 0)
        {
            return run;
        }

        return run with
        {
            Lengths = new RequestLengths.Recorded(prompts, outputs),
            ItlMs = gapped > 0 ? gaps / gapped : run.ItlMs,
            Notes = $"{run.Notes}; each request's lengths and gap from {source} (in the order they completed)",
        };
    }

    private static int Count(JsonElement request, string name, string source, string at) =>
        Number(request, name, source, 1, $"{at}.{name}") is double v && v == Math.Floor(v) && v <= 10_000_000
            ? (int)v
            : throw new CatalogException(source, 1, $"{at}.{name}", "expected a whole number of tokens");

    private const string Source = "measured (LLMPerf)";

    /// <summary>
    /// How the requests sampled (<see cref="ClientSampling"/>), from the parameters the client added to every request
    /// (<c>--additional-sampling-params</c>, flattened as <c>additional_sampling_params_temperature</c>, ...).
    /// </summary>
    private static string Sampling(JsonElement root, string source, int line) => ClientSampling.Of(
        Number(root, "additional_sampling_params_temperature", source, line),
        Number(root, "additional_sampling_params_top_p", source, line),
        Number(root, "additional_sampling_params_top_k", source, line));

    /// <summary>The model as the client named it, without LiteLLM's provider prefix (<c>huggingface/</c>, <c>openai/</c>).</summary>
    private static string? Model(JsonElement root)
    {
        string? name = JsonFields.Text(root, "model");
        if (name is null || name.Length == 0)
        {
            return null;
        }

        int slash = name.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && name[..slash] is "huggingface" or "openai" or "together_ai" or "anyscale" or "vllm" or "hosted_vllm" ? name[(slash + 1)..] : name;
    }

    private static double Length(JsonElement root, string name, string source, int line) =>
        Number(root, name, source, line) is double v
            ? v is >= 1 and <= 10_000_000 ? v : throw new CatalogException(source, line, name, string.Create(CultureInfo.InvariantCulture, $"expected a mean length of 1 to 10,000,000 tokens, got {v}"))
            : throw new CatalogException(source, line, name, "is required: expected the mean length, tokens");

    private static double Required(JsonElement root, string name, string source, int line) =>
        Number(root, name, source, line) ?? throw new CatalogException(source, line, name, "is required");

    /// <summary>A latency in seconds as milliseconds, or null when unpublished.</summary>
    private static double? Seconds(JsonElement root, string name, string source, int line) => Number(root, name, source, line) * 1e3;

    /// <summary>A number that cannot be negative (a count, a length, a latency), or null when unpublished.</summary>
    private static double? Number(JsonElement root, string name, string source, int line, string? field = null) =>
        JsonFields.NonNegative(root, name, source, line, field);
}
