using System.Globalization;
using System.Text.RegularExpressions;
using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;

namespace ClusterSim.Experiments.Replay;

/// <summary>
/// Reads published serving results in the layout of the reference data's <c>inference-results-public.csv</c> (MLPerf
/// Inference Offline and Server rows, trtllm-bench's maximum-throughput tables, NIM's concurrency sweeps) as measured runs
/// to replay: each row's scenario becomes an arrival (all at once, Poisson at the published rate, or a closed loop), its
/// accelerators a number of replicas, its published throughput and latencies the figures scored. Whatever a row leaves
/// out and the replay must assume — a tensor-parallel size, a request count — is said in the row's note; what cannot be
/// assumed (a prompt length given as a dataset's name) leaves the row out with the reason.
/// </summary>
public static partial class PublishedResultsFile
{
    private static readonly string[] Required = ["category", "model", "scenario", "accelerator", "n_accel", "framework", "precision", "load", "input_tokens", "output_tokens", "tokens_per_s"];

    /// <summary>MLPerf's sample counts per benchmark (loadgen/mlperf.conf, performance_sample_count_override), by catalog id.</summary>
    private static readonly Dictionary<string, int> MlperfSamples = new(StringComparer.Ordinal)
    {
        ["llama-2-70b"] = 24_576, ["mixtral-8x7b"] = 15_000, ["llama-3.1-405b"] = 8_313, ["llama-3.1-8b"] = 13_368,
    };

    /// <summary>MLPerf's Server scenario runs at least this long (loadgen/mlperf.conf: *.Server.min_duration = 600000 ms).</summary>
    private const double MlperfServerSeconds = 600;

    /// <summary>Requests an offline row without a count is given: the TensorRT-LLM overview's most common dataset size.</summary>
    private const int OfflineRequests = 3_000;

    /// <summary>The longest mean length a row may give (as trtllm-bench's reports are read).</summary>
    private const double MaxTokens = 10_000_000;

    /// <summary>The most users a concurrency row may give, and the most queries a Server row's ten minutes may send.</summary>
    private const int MaxUsers = 100_000, MaxServerRequests = 100_000_000;

    /// <summary>True when <paramref name="text"/> starts with this layout's header.</summary>
    public static bool Holds(string text) =>
        text.StartsWith("category,", StringComparison.Ordinal) && text.AsSpan(0, Math.Max(0, text.IndexOf('\n'))).Contains("tokens_per_s", StringComparison.Ordinal);

    /// <summary>
    /// The rows of <paramref name="text"/> that describe a run, as measured runs; <paramref name="catalog"/> resolves the
    /// models and accelerators a tensor-parallel size is chosen for. A row that cannot be replayed is added to
    /// <paramref name="skipped"/> with its reason, a bad header throws.
    /// </summary>
    public static IReadOnlyList<MeasuredRun> Parse(string text, string source, SimCatalog catalog, ICollection<CatalogException> skipped)
    {
        CsvTable table = CsvTable.Parse(new StringReader(text), source);
        foreach (string column in Required)
        {
            if (!table.HasColumn(column))
            {
                throw new CatalogException(source, 1, column, $"the header has no '{column}' column; a published-results file needs {string.Join(", ", Required)}");
            }
        }

        var runs = new List<MeasuredRun>();
        foreach (var (line, cells) in table.Rows)
        {
            try
            {
                runs.Add(RunOf(new PublishedRow(table, line, cells), catalog));
            }
            catch (CatalogException e)
            {
                skipped.Add(e);
            }
        }

        return runs;
    }

    private static MeasuredRun RunOf(PublishedRow row, SimCatalog catalog)
    {
        string accelerator = row.Text("accelerator");
        if (accelerator.Length == 0)
        {
            throw row.Error("accelerator", "names no accelerator: not a run (a table of bounds or notes)");
        }

        string model = ModelName(row.Text("model"));
        if (!catalog.Models.TryResolve(model, out ModelSpec spec))
        {
            throw row.Error("model", $"'{model}' is not in the model catalog (give its Hugging Face config.json with --models)");
        }

        if (!catalog.Hardware.TryResolve(accelerator, out AcceleratorSpec chip))
        {
            throw row.Error("accelerator", $"'{accelerator}' is not in the hardware catalog{ClosestName.Hint(accelerator, catalog.Hardware.Ids)}");
        }

        int accelerators = row.Whole("n_accel") ?? throw row.Error("n_accel", "is required: the accelerators the result was measured on");
        string dtype = row.Text("precision");
        var assumed = new List<string>();
        Precision weights = Weights(row, dtype, model, spec, assumed);
        int tp = row.Whole("tp") ?? LeastRoomyTensorParallel(spec, chip, weights, accelerators, row, assumed);
        if (accelerators % tp != 0)
        {
            throw row.Error("tp", string.Create(CultureInfo.InvariantCulture, $"{tp} does not divide the {accelerators} accelerators into whole replicas"));
        }

        double output = Tokens(row, "output_tokens", assumed);
        double input = Tokens(row, "input_tokens", assumed);
        double throughput = row.Number("tokens_per_s") ?? throw row.Error("tokens_per_s", "is required: the published output tokens per second");
        string scenario = row.Text("scenario"), load = row.Text("load"), category = row.Text("category");
        bool mlperf = category.StartsWith("MLPerf", StringComparison.OrdinalIgnoreCase);
        Match users = UsersPattern().Match(load);
        string arrival;
        double? rate = null;
        int requests;
        if (users.Success)
        {
            arrival = "concurrency";
            rate = int.TryParse(users.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n is >= 1 and <= MaxUsers
                ? n
                : throw row.Error("load", $"'{load}' is not a concurrency of 1 to 100,000 users");
            requests = Math.Max(100, 10 * n);
            assumed.Add(string.Create(CultureInfo.InvariantCulture, $"{requests} requests (ten a user; the row gives no count)"));
        }
        else if (scenario.Contains("offline", StringComparison.OrdinalIgnoreCase) || load.Contains("at once", StringComparison.OrdinalIgnoreCase))
        {
            arrival = "offline";
            if (row.Whole("requests") is int given)
            {
                requests = given;   // the cell is refused unless a whole number from 1
            }
            else
            {
                requests = mlperf && MlperfSamples.TryGetValue(spec.Id, out int samples) ? samples : OfflineRequests;
                if (!mlperf || !MlperfSamples.ContainsKey(spec.Id))
                {
                    assumed.Add(string.Create(CultureInfo.InvariantCulture, $"{requests} requests (the row gives no count)"));
                }
            }
        }
        else if (scenario.Contains("server", StringComparison.OrdinalIgnoreCase))
        {
            // MLPerf's Server scenario: Poisson queries at the rate the result was valid at, for at least ten minutes.
            arrival = "poisson";
            rate = throughput / output;
            double sent = Math.Ceiling(rate.Value * MlperfServerSeconds);
            requests = sent is >= 1 and <= MaxServerRequests
                ? (int)sent
                : throw row.Error("tokens_per_s", string.Create(CultureInfo.InvariantCulture, $"{throughput} output tokens/s is not a Server rate the replay can send ({sent} queries in {MlperfServerSeconds} s; expected 1 to 100,000,000)"));
        }
        else
        {
            throw row.Error("scenario", $"'{scenario}' (load '{load}') is none of Offline, Server or a fixed concurrency ('concurrency N' in load)");
        }

        (double? ttft, double? itl, double? ttftP99, double? tpotP99) = Latencies(row);
        double? ramp = null;
        if (arrival == "concurrency" && ttft is double first && itl is double gap)
        {
            // A sweep point is the load's steady state (the clients measure after their warm-up): users start spread over
            // one request's published duration rather than all at once, which would keep fixed-length requests in lock-step.
            ramp = (first + (gap * (output - 1))) / 1e3;
            assumed.Add(string.Create(CultureInfo.InvariantCulture, $"users started over {ramp:0.#} s, one request's published duration (the steady state)"));
        }

        (int? maxBatch, int? maxTokens) = (null, null);
        ServingEngine engine = EngineOf(row, out string? proxy);
        if (proxy is not null)
        {
            assumed.Add(proxy);
        }

        string kvCache = string.Empty;
        if (engine == ServingEngine.TensorRtLlm && weights is Precision.FP8 or Precision.INT4)
        {
            // TensorRT-LLM's FP8 and FP4 checkpoints (ModelOpt's) quantise the KV cache to FP8 with the weights.
            kvCache = "fp8";
            assumed.Add("an FP8 KV cache (TensorRT-LLM's quantised checkpoints)");
        }

        if (row.Text("framework").Contains("trtllm-bench", StringComparison.OrdinalIgnoreCase))
        {
            // trtllm-bench sizes the batch and the token budget from the dataset's mean lengths when its command gives none.
            try
            {
                // An engine built once for several datasets (`trtllm-bench build --dataset`) keeps the limits of the one it was built from.
                double builtInput = row.Number("build_input_tokens") ?? input, builtOutput = row.Number("build_output_tokens") ?? output;
                var deployment = catalog.Deployment(spec.Id, chip.Id, tp, weights, Precision.FP8, ServingEngine.TensorRtLlm);
                (maxBatch, maxTokens) = Core.Performance.TrtllmBenchLimits.For(deployment, (int)Math.Round(builtInput), (int)Math.Round(builtOutput));
                assumed.Add(builtInput == input && builtOutput == output
                    ? string.Create(CultureInfo.InvariantCulture, $"trtllm-bench's own limits for these lengths (max_batch_size {maxBatch}, max_num_tokens {maxTokens})")
                    : string.Create(CultureInfo.InvariantCulture, $"trtllm-bench's own limits for the {builtInput}/{builtOutput} dataset the engine was built from (max_batch_size {maxBatch}, max_num_tokens {maxTokens})"));
            }
            catch (ArgumentException e)
            {
                throw row.Error(row.Number("build_input_tokens") is null ? "input_tokens" : "build_input_tokens", e.Message.Split(" (Parameter", 2)[0]);
            }
        }

        string system = row.Text("system");
        return new MeasuredRun
        {
            Line = row.Line,
            Experiment = ExperimentId(row, spec.Id, chip.Id, scenario, rate),
            Stage = "all",
            Set = category,
            Workload = load,
            Model = model,
            Gpu = accelerator,
            TensorParallel = tp,
            DataParallel = accelerators / tp,
            DType = dtype,
            MaxSequences = maxBatch,
            MaxBatchedTokens = maxTokens,
            Engine = Files.DeploymentSection.EngineName(engine),
            EngineVersion = row.Text("engine_version"),
            KvCacheDType = kvCache,
            Sampling = "greedy",   // benchmark harnesses decode greedily (MLPerf's accuracy runs, trtllm-bench, AIPerf's defaults)
            Arrival = arrival,
            InProcess = arrival == "offline",   // trtllm-bench's and MLPerf Offline's harnesses enqueue in process
            Burstiness = arrival == "poisson" ? 1 : null,
            Rate = rate,
            Requests = requests,
            RampSeconds = ramp,
            InputTokens = input,
            OutputTokens = output,
            OutputSource = "published",
            TtftMs = ttft,
            ItlMs = itl,
            TtftP99Ms = ttftP99,
            TpotP99Ms = tpotP99,
            ThroughputTokensPerSecond = arrival == "poisson" ? null : throughput,   // a Server run's throughput is its offered rate
            Notes = string.Join("; ", new[] { system, row.Text("round_or_release") }.Where(s => s.Length > 0)),
            Assumed = assumed,
        };
    }

    /// <summary>The weights' format as the replay reads a dtype (<see cref="WeightFormat"/>), what it inferred said as assumed.</summary>
    private static Precision Weights(PublishedRow row, string dtype, string model, ModelSpec spec, List<string> assumed)
    {
        try
        {
            return WeightFormat.Of(dtype, model, spec, assumed);
        }
        catch (ArgumentException e)
        {
            throw row.Error("precision", e.Message);
        }
    }

    /// <summary>
    /// A model as results name it ("Llama 2 70B (99.9% acc.)", "Llama 2 70B Interactive"): the accuracy target in
    /// parentheses and MLPerf's interactive category (the same model under tighter latency bounds) are not part of it.
    /// </summary>
    private static string ModelName(string text)
    {
        int paren = text.IndexOf('(', StringComparison.Ordinal);
        string name = (paren > 0 ? text[..paren] : text).Trim();
        return name.EndsWith(" Interactive", StringComparison.OrdinalIgnoreCase) ? name[..^" Interactive".Length].TrimEnd() : name;
    }

    /// <summary>
    /// The least tensor-parallel size (1, 2, 4 … dividing the accelerators) at which the weights take at most half of each
    /// accelerator's memory, leaving the rest to the KV cache: MLPerf's rows do not say how submitters split the model.
    /// Where no split leaves half, the widest that holds the weights in 90 % of each one's memory.
    /// </summary>
    private static int LeastRoomyTensorParallel(ModelSpec model, AcceleratorSpec chip, Precision weights, int accelerators, PublishedRow row, List<string> assumed)
    {
        double bytesPerWeight = weights.BytesPerElement();
        int widest = 0;
        for (int tp = 1; tp <= accelerators; tp *= 2)
        {
            if (accelerators % tp != 0)
            {
                continue;
            }

            double share = model.TotalParameters * bytesPerWeight / tp / chip.MemoryBytes;
            if (share <= 0.5)
            {
                assumed.Add(string.Create(CultureInfo.InvariantCulture, $"TP {tp} (the least that leaves half of each accelerator's memory to the KV cache; the row gives none)"));
                return tp;
            }

            widest = share <= 0.9 ? tp : widest;
        }

        if (widest > 0)
        {
            assumed.Add(string.Create(CultureInfo.InvariantCulture, $"TP {widest} (no split leaves half of each accelerator's memory to the KV cache, so the widest; the row gives none)"));
            return widest;
        }

        throw row.Error("tp", string.Create(CultureInfo.InvariantCulture, $"is not given, and no split of the {accelerators} accelerators holds the weights in 90 % of each one's memory: give the tensor-parallel size"));
    }

    /// <summary>A length: a number, or a published mean given as "~145 mean" or a range "~272-292 mean" (its midpoint, said).</summary>
    private static double Tokens(PublishedRow row, string column, List<string> assumed)
    {
        string text = row.Text(column);
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double tokens))
        {
            return tokens is >= 1 and <= MaxTokens
                ? tokens
                : throw row.Error(column, string.Create(CultureInfo.InvariantCulture, $"{tokens} is not a mean length of 1 to 10,000,000 tokens"));
        }

        Match mean = MeanPattern().Match(text);
        if (!mean.Success)
        {
            throw row.Error(column, $"'{text}' is not a number of tokens: the row names a dataset, not its mean length; write the mean (tokens a request) in {column} to replay it");
        }

        double low = double.Parse(mean.Groups[1].Value, CultureInfo.InvariantCulture);
        if (!mean.Groups[2].Success)
        {
            return low is >= 1 and <= MaxTokens ? low : throw row.Error(column, $"'{text}' is not a mean length of 1 to 10,000,000 tokens");
        }

        double middle = (low + double.Parse(mean.Groups[2].Value, CultureInfo.InvariantCulture)) / 2;
        if (low < 1 || middle > MaxTokens)
        {
            throw row.Error(column, $"'{text}' is not a mean length of 1 to 10,000,000 tokens");
        }

        assumed.Add(string.Create(CultureInfo.InvariantCulture, $"{column} {middle} (the middle of '{text}')"));
        return middle;
    }

    /// <summary>TTFT and TPOT means, or their 99th percentiles, as <c>latency_stat</c> says they were published.</summary>
    private static (double? Ttft, double? Itl, double? TtftP99, double? TpotP99) Latencies(PublishedRow row)
    {
        string stat = row.Text("latency_stat");
        double? ttft = row.Number("ttft_ms"), tpot = row.Number("tpot_ms");
        if (ttft is null && tpot is null)
        {
            return (null, null, null, null);
        }

        return stat.StartsWith("mean", StringComparison.OrdinalIgnoreCase) ? (ttft, tpot, null, null)
            : stat.StartsWith("p99", StringComparison.OrdinalIgnoreCase) ? (null, null, ttft, tpot)
            : throw row.Error("latency_stat", $"'{stat}' is neither 'mean' nor 'p99': say which statistic ttft_ms and tpot_ms are");
    }

    /// <summary>The engine the framework names; NIM names the engine it packages in parentheses.</summary>
    private static ServingEngine EngineOf(PublishedRow row, out string? proxy)
    {
        string framework = row.Text("framework");
        string engine = framework;
        if (framework.StartsWith("NIM", StringComparison.OrdinalIgnoreCase))
        {
            Match inside = ParenthesesPattern().Match(framework);
            engine = inside.Success ? inside.Groups[1].Value : throw row.Error("framework", $"'{framework}' does not say which engine the NIM runs, e.g. 'NIM (TensorRT-LLM engine)'");
        }

        try
        {
            return EngineName.ParseMeasured(engine, out proxy);
        }
        catch (ArgumentException e)
        {
            throw row.Error("framework", e.Message);
        }
    }

    private static string ExperimentId(PublishedRow row, string model, string chip, string scenario, double? rate)
    {
        string kind = row.Text("category").Split(' ', 2)[0].ToLowerInvariant();
        string load = rate is double r && row.Text("load").Contains("concurrency", StringComparison.OrdinalIgnoreCase) ? $"c{r}" : scenario.Split(' ', 2)[0].ToLowerInvariant();
        return string.Create(CultureInfo.InvariantCulture, $"{kind}-{model}-{chip.ToLowerInvariant()}-{load}-line{row.Line}");
    }

    [GeneratedRegex(@"concurrency\s+(\d+)", RegexOptions.IgnoreCase)]
    private static partial Regex UsersPattern();

    [GeneratedRegex(@"^~?\s*(\d+(?:\.\d+)?)(?:\s*-\s*(\d+(?:\.\d+)?))?\s+mean", RegexOptions.IgnoreCase)]
    private static partial Regex MeanPattern();

    [GeneratedRegex(@"\(([^)]+)\)")]
    private static partial Regex ParenthesesPattern();
}
