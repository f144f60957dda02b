using System.Globalization;
using System.Text.RegularExpressions;
using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;

namespace ClusterSim.Experiments.Replay;

/// <summary>
/// Reads a measured-runs CSV (the layout of <c>vllm-measured-calibration.csv</c>). A bad cell is an error naming the file,
/// line and column; columns a file does not have are read as unpublished.
/// </summary>
public static partial class MeasuredRunFile
{
    private static readonly string[] Required = ["exp_id", "stage", "model", "gpu"];

    /// <summary>Reads every row of <paramref name="path"/> (see <see cref="Parse"/> for <paramref name="skippedRows"/>).</summary>
    public static IReadOnlyList<MeasuredRun> Read(string path, ICollection<CatalogException>? skippedRows = null)
    {
        using var reader = new StreamReader(path);
        return Parse(reader, Path.GetFileName(path), skippedRows);
    }

    /// <summary>
    /// Parses CSV text; <paramref name="source"/> names it in errors. A bad cell throws, naming the file, line and column;
    /// given <paramref name="skippedRows"/>, its row is left out and the error kept there instead, so one bad row does not
    /// cost the others (a bad header still throws). A numeric cell reading <c>n/a</c>, <c>na</c>, <c>nan</c>, <c>none</c>,
    /// <c>null</c> or <c>-</c> is unpublished, as an empty one.
    /// </summary>
    public static IReadOnlyList<MeasuredRun> Parse(TextReader text, string source, ICollection<CatalogException>? skippedRows = null)
    {
        CsvTable table = CsvTable.Parse(text, source);
        foreach (string column in Required)
        {
            if (!table.HasColumn(column))
            {
                throw new CatalogException(source, 1, column, $"the header has no '{column}' column; a measured-runs file needs {string.Join(", ", Required)}");
            }
        }

        var runs = new List<MeasuredRun>();
        foreach (var (line, cells) in table.Rows)
        {
            try
            {
                runs.Add(RunOf(table, line, cells));
            }
            catch (CatalogException e) when (skippedRows is not null)
            {
                skippedRows.Add(e);
            }
        }

        return runs;
    }

    private static MeasuredRun RunOf(CsvTable table, int line, string[] cells)
    {
        var row = new Row(table, line, cells);
        var peers = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (string column in table.Header)
        {
            if (column.EndsWith("_e2e_mean_ape_pct", StringComparison.Ordinal) && row.Number(column) is double error)
            {
                peers[column[..^"_e2e_mean_ape_pct".Length]] = error;
            }
        }

        return new MeasuredRun
        {
            Line = line,
            Experiment = row.Text("exp_id", required: true),
            Stage = row.Text("stage", required: true),
            Set = row.Text("set"),
            Workload = row.Text("workload"),
            Model = row.Text("model", required: true),
            Gpu = row.Text("gpu", required: true),
            TensorParallel = (int)(row.Number("tp", min: 1) ?? 1),
            DataParallel = (int)(row.Number("dp", min: 1) ?? 1),
            ExpertParallel = (int)(row.Number("ep", min: 1, max: 4096) ?? 1),
            CollapsedRouting = row.OptionalFlag("collapsed_routing") ?? false,
            CustomAllReduce = row.OptionalFlag("custom_all_reduce") ?? true,
            MultiStep = row.WholeNumber("num_scheduler_steps", 1, Core.Performance.VllmMultiStep.MaxSteps) ?? 1,
            Speculation = row.Speculation(),
            Attention = row.AttentionLayout("dp_attention"),
            PrefillReplicas = (int)(row.Number("prefill_replicas", min: 0, max: 100_000) ?? 0),
            MoeDispatch = row.Dispatch("moe_dispatch"),
            PrefillMoeDispatch = row.Dispatch("prefill_moe_dispatch"),
            PrefillTensorParallel = (int?)row.Number("prefill_tp", min: 1),
            PrefillExpertParallel = (int)(row.Number("prefill_ep", min: 1, max: 4096) ?? 1),
            PrefillAttention = row.AttentionLayout("prefill_dp_attention"),
            KvLinkGBps = row.Number("kv_link_gb_s", min: 1e-3),
            DType = row.Text("dtype"),
            MaxSequences = (int?)row.Number("max_num_seqs", min: 1),
            MaxBatchedTokens = (int?)row.Number("max_num_batched_tokens", min: 1),
            MaxModelLength = (int?)row.Number("max_model_len", min: 1),
            GpuMemoryUtilization = row.Number("gpu_mem_util", min: 0.05, max: 1),
            CpuKvOffloadGib = row.OffloadGib("cpu_kv_offload"),
            PrefixCaching = row.OptionalFlag("enable_prefix_caching") ?? row.OptionalFlag("prefix_caching"),
            ChunkedPrefill = row.OptionalFlag("enable_chunked_prefill") ?? row.OptionalFlag("chunked_prefill"),
            AsyncScheduling = row.OptionalFlag("async_scheduling"),
            ReceiveInterval = ReceiveIntervalOf(row),
            InProcess = row.OptionalFlag("in_process") ?? false,
            KvCacheDType = row.Text("kv_cache_dtype"),
            Engine = row.Text("engine"),
            EngineVersion = row.Text("engine_version"),
            VllmEntry = row.EntryPoint("vllm_entry"),
            VllmUseV1 = row.VllmUseV1(),
            HeadWeights = row.PartPrecision("head_weights"),
            DenseWeights = row.PartPrecision("dense_weights"),
            WeightBits = row.Number("weight_bits", min: CheckpointConventions.MinWeightBits, max: CheckpointConventions.MaxWeightBits),
            Sampling = row.Text("sampling"),
            SamplerKernel = row.Text("sampler_kernel"),
            Arrival = row.Text("arrival"),
            Burstiness = row.Number("burstiness", min: 0),
            Rate = row.Number("rate_rps_or_concurrency", min: 0),
            ConcurrencyCap = row.Number("max_concurrency", min: 1),
            Requests = (int?)row.Number("n_requests", min: 0),
            RampSeconds = row.Number("ramp_s", min: 0),
            StageSchedule = row.Text("stage_schedule"),
            DurationSeconds = row.Number("duration_s", min: 0),
            FailedRequests = (int?)row.Number("n_failed", min: 0),
            ClientTimeoutSeconds = row.Number("client_timeout_s", min: 1),
            InputTokens = row.Number("input_len_mean", min: 1),
            InputDistribution = row.Text("input_len_dist"),
            OutputTokens = row.Number("output_len_mean", min: 1),
            Lengths = LengthsOf(row),
            OutputSource = row.Text("output_len_source"),
            TtftMs = row.Number("measured_ttft_mean_ms", min: 0),
            ItlMs = row.Number("measured_itl_mean_ms", min: 0),
            E2eMs = row.Number("measured_e2e_mean_ms", min: 0),
            TtftP50Ms = row.Number("measured_ttft_p50_ms", min: 0),
            TtftP90Ms = row.Number("measured_ttft_p90_ms", min: 0),
            TtftP99Ms = row.Number("measured_ttft_p99_ms", min: 0),
            E2eP90Ms = row.Number("measured_e2e_p90_ms", min: 0),
            E2eP99Ms = row.Number("measured_e2e_p99_ms", min: 0),
            TpotP50Ms = row.Number("measured_tpot_p50_ms", min: 0),
            TpotP90Ms = row.Number("measured_tpot_p90_ms", min: 0),
            TpotP99Ms = row.Number("measured_tpot_p99_ms", min: 0),
            ThroughputTokensPerSecond = row.Number("measured_throughput_tok_s", min: 0),
            PeerErrors = peers,
            LikelyProfile = row.Text("likely_profile_unverified"),
            Notes = row.Text("notes"),
        };
    }

    /// <summary>
    /// SGLang's <c>--scheduler-recv-interval</c> (<c>scheduler_recv_interval</c>), a whole number of decode steps; another
    /// engine has no such flag, so a row naming one with it is refused at the cell.
    /// </summary>
    private static int? ReceiveIntervalOf(Row row)
    {
        int? interval = row.WholeNumber("scheduler_recv_interval", 1, 1_000_000);
        string engine = row.Text("engine");
        if (interval > 1 && !EngineName.Names(engine, Core.Performance.ServingEngine.Sglang))
        {
            throw row.Error("scheduler_recv_interval", $"is SGLang's --scheduler-recv-interval, but the row's engine is '{(engine.Length == 0 ? "vllm" : engine)}'; leave it empty or 1");
        }

        return interval;
    }

    /// <summary>
    /// How the row's requests were sized beyond the means: answers the server stopped at EOS (<c>output_stop: eos</c>,
    /// capped at <c>output_len_max</c>, averaging <c>output_len_mean</c>), or the uniform ranges of <see cref="UniformRanges"/>.
    /// </summary>
    private static RequestLengths? LengthsOf(Row row)
    {
        string stop = row.Text("output_stop");
        if (stop.Length == 0)
        {
            return UniformRanges(row);
        }

        if (!stop.Equals("eos", StringComparison.OrdinalIgnoreCase))
        {
            throw row.Error("output_stop", $"'{stop}' is not a way answers stopped; expected 'eos' (answers stopped at the end-of-sequence token, capped at output_len_max) or nothing (the mean, fixed)");
        }

        if (row.Number("output_len_min", min: 1) is not null)
        {
            throw row.Error("output_len_min", "is given, but answers stopped at EOS range from one token to output_len_max; leave it empty");
        }

        int cap = row.WholeNumber("output_len_max", 1, int.MaxValue)
            ?? throw row.Error("output_len_max", "is required with output_stop 'eos': the tokens each request asked for, where an answer that never met EOS stopped");
        double mean = row.Number("output_len_mean", min: 1)
            ?? throw row.Error("output_len_mean", "is required with output_stop 'eos': the mean length of the answers");
        if (mean > cap)
        {
            throw row.Error("output_len_mean", string.Create(CultureInfo.InvariantCulture, $"{mean} is above output_len_max ({cap}); answers stopped at EOS average at most the tokens asked for"));
        }

        (int Min, int Max) prompt = row.Range("input_len_min", "input_len_max") ?? row.Fixed("input_len_mean", "input_len_min");
        return new RequestLengths.StoppedAtEos(prompt, cap, mean);
    }

    /// <summary>
    /// The ranges a client drew lengths from uniformly (<c>input_len_min</c>/<c>_max</c>, <c>output_len_min</c>/<c>_max</c>:
    /// vLLM's and SGLang's random datasets with a range ratio); null when the row gives none. A side without a range is
    /// its mean, fixed; a range given half, or upside down, is an error naming the column.
    /// </summary>
    private static RequestLengths.Uniform? UniformRanges(Row row)
    {
        (int Min, int Max)? prompt = row.Range("input_len_min", "input_len_max");
        (int Min, int Max)? output = row.Range("output_len_min", "output_len_max");
        if (prompt is null && output is null)
        {
            return null;
        }

        return new RequestLengths.Uniform(prompt ?? row.Fixed("input_len_mean", "input_len_min"),
            output ?? row.Fixed("output_len_mean", "output_len_min"));
    }

    /// <summary>A size's unit, GiB written any of the usual ways.</summary>
    [GeneratedRegex(@"\s*(gib|gb|g)$", RegexOptions.IgnoreCase)]
    private static partial Regex SizeUnit();

    /// <summary>What a numeric cell may say for "not published".</summary>
    private static readonly HashSet<string> Unpublished = new(StringComparer.OrdinalIgnoreCase) { "n/a", "na", "nan", "none", "null", "-" };

    private readonly struct Row(CsvTable table, int line, string[] cells)
    {
        /// <summary>An error naming this row's line and <paramref name="column"/>.</summary>
        public CatalogException Error(string column, string problem) => new(table.Source, line, column, problem);

        public string Text(string column, bool required = false)
        {
            string value = table.Cell(cells, column);
            return required && value.Length == 0 ? throw new CatalogException(table.Source, line, column, "is required but empty") : value;
        }

        /// <summary>A whole-token range from two columns; null when both are empty.</summary>
        public (int Min, int Max)? Range(string minColumn, string maxColumn)
        {
            double? low = Number(minColumn, min: 1);
            double? high = Number(maxColumn, min: 1);
            if (low is null && high is null)
            {
                return null;
            }

            if (low is null || high is null)
            {
                string missing = low is null ? minColumn : maxColumn;
                throw new CatalogException(table.Source, line, missing, $"is empty but '{(low is null ? maxColumn : minColumn)}' is given; a length range needs both ends");
            }

            foreach (var (column, value) in new[] { (minColumn, low.Value), (maxColumn, high.Value) })
            {
                if (value != Math.Floor(value) || value > int.MaxValue)
                {
                    throw new CatalogException(table.Source, line, column, "is not a whole number of tokens that fits a request");
                }
            }

            return low > high
                ? throw new CatalogException(table.Source, line, minColumn, string.Create(CultureInfo.InvariantCulture, $"{low} is above '{maxColumn}' ({high}); expected min <= max"))
                : ((int)low.Value, (int)high.Value);
        }

        /// <summary>The mean of <paramref name="meanColumn"/> as a one-value range, for the side of a row whose other side has a range.</summary>
        public (int Min, int Max) Fixed(string meanColumn, string rangeColumn)
        {
            double mean = Number(meanColumn, min: 1, max: int.MaxValue)
                ?? throw new CatalogException(table.Source, line, meanColumn, $"is required when the other side's length range is given and '{rangeColumn}' is not");
            int tokens = (int)Math.Round(mean);
            return (tokens, tokens);
        }

        /// <summary><see cref="Number"/> that must be a whole number; null when empty.</summary>
        public int? WholeNumber(string column, int min, int max) => Number(column, min, max) switch
        {
            null => null,
            double n when n == Math.Floor(n) => (int)n,
            double n => throw new CatalogException(table.Source, line, column, string.Create(CultureInfo.InvariantCulture, $"{n} is not a whole number")),
        };

        public double? Number(string column, double min = double.MinValue, double max = double.MaxValue)
        {
            string value = table.Cell(cells, column).Trim();
            if (value.Length == 0 || Unpublished.Contains(value))
            {
                return null;
            }

            if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) || !double.IsFinite(number))
            {
                throw new CatalogException(table.Source, line, column, $"'{value}' is not a number");
            }

            if (number < min || number > max)
            {
                string range = max == double.MaxValue
                    ? string.Create(CultureInfo.InvariantCulture, $"at least {min}")
                    : string.Create(CultureInfo.InvariantCulture, $"between {min} and {max}");
                throw new CatalogException(table.Source, line, column, $"{value} is out of range; expected a number {range}");
            }

            return number;
        }

        /// <summary>
        /// A host-memory size in GiB ("64", "64GB", "64 GiB"), or a flag: true, yes or 1 for on without a size (0); false, no,
        /// 0, none or empty for off (null).
        /// </summary>
        public double? OffloadGib(string column)
        {
            string value = table.Cell(cells, column).Trim();
            switch (value.ToLowerInvariant())
            {
                case "" or "false" or "no" or "0" or "none":
                    return null;
                case "true" or "yes" or "1":
                    return 0;
            }

            string number = SizeUnit().Replace(value, string.Empty);
            return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double gib) && double.IsFinite(gib) && gib >= 0
                ? (gib > 0 ? gib : null)
                : throw new CatalogException(table.Source, line, column, $"'{value}' is neither true, false nor a size in GiB");
        }

        /// <summary>How expert ranks exchange tokens: empty or all-reduce, the group's all-reduce (or gather and scatter); all-to-all, DeepEP's way.</summary>
        public Core.Moe.ExpertDispatch Dispatch(string column) => table.Cell(cells, column).ToLowerInvariant() switch
        {
            "" or "all-reduce" => Core.Moe.ExpertDispatch.AllReduce,
            "all-to-all" => Core.Moe.ExpertDispatch.AllToAll,
            string other => throw new CatalogException(table.Source, line, column, $"'{other}' is not all-reduce or all-to-all"),
        };

        /// <summary>How a vLLM engine was started: empty or server, the OpenAI server; llm, the offline LLM class; engine, built from EngineArgs.</summary>
        public Core.Performance.VllmEntryPoint EntryPoint(string column) => table.Cell(cells, column).ToLowerInvariant() switch
        {
            "" or "server" => Core.Performance.VllmEntryPoint.Server,
            "llm" => Core.Performance.VllmEntryPoint.OfflineLlm,
            "engine" => Core.Performance.VllmEntryPoint.Engine,
            string other => throw new CatalogException(table.Source, line, column, $"'{other}' is not server, llm or engine"),
        };

        /// <summary>A part of the weights' format (the embedding tables', the non-expert layers'): empty, the convention (ServingDeployment.HeadFormat, DenseFormat); else bf16 (fp16), fp8, int8 or int4.</summary>
        public Precision? PartPrecision(string column)
        {
            try
            {
                return WeightFormat.Part(table.Cell(cells, column));
            }
            catch (ArgumentException e)
            {
                throw new CatalogException(table.Source, line, column, e.Message);
            }
        }

        /// <summary>How the run attended: empty or false, tensor-parallel; true, data-parallel; balanced, data-parallel with the ranks' prompts aligned.</summary>
        public AttentionLayout AttentionLayout(string column) => table.Cell(cells, column).ToLowerInvariant() switch
        {
            "" or "false" or "no" or "0" => Core.Performance.AttentionLayout.TensorParallel,
            "true" or "yes" or "1" => Core.Performance.AttentionLayout.DataParallel,
            "balanced" => Core.Performance.AttentionLayout.BalancedDataParallel,
            string other => throw new CatalogException(table.Source, line, column, $"'{other}' is not true, false or balanced"),
        };

        /// <summary>
        /// How the server speculated: null when <c>speculative_method</c> is empty (and no other speculative column is
        /// given); else the method (draft, eagle, mtp, ngram), the tokens drafted a step and the acceptance, both required,
        /// and the draft model for method draft.
        /// </summary>
        public MeasuredSpeculation? Speculation()
        {
            string method = table.Cell(cells, "speculative_method").Trim().ToLowerInvariant();
            double? tokens = Number("speculative_tokens", min: 1, max: Core.Performance.SpeculativeDecoding.MaxTokens);
            double? acceptance = Number("speculative_acceptance", min: 0, max: 1);
            string draft = table.Cell(cells, "speculative_draft_model").Trim();
            if (method.Length == 0)
            {
                return tokens is null && acceptance is null && draft.Length == 0
                    ? null
                    : throw new CatalogException(table.Source, line, "speculative_method", "is empty but other speculative columns are given; expected draft, eagle, mtp or ngram");
            }

            if (!Files.SpeculativeSection.Methods.TryGetValue(method, out Core.Performance.SpeculativeMethod kind))
            {
                throw new CatalogException(table.Source, line, "speculative_method", $"'{method}' is not draft, eagle, mtp or ngram");
            }

            if (tokens is null || tokens != Math.Floor(tokens.Value))
            {
                throw new CatalogException(table.Source, line, "speculative_tokens", $"is required with a speculative method: the whole number of tokens drafted a step, 1 to {Core.Performance.SpeculativeDecoding.MaxTokens}");
            }

            if (acceptance is null)
            {
                throw new CatalogException(table.Source, line, "speculative_acceptance", "is required with a speculative method: the chance a drafted token is accepted (0 to 1), measured or fitted on a stage of the run");
            }

            if ((kind == Core.Performance.SpeculativeMethod.Draft) != (draft.Length > 0))
            {
                throw new CatalogException(table.Source, line, "speculative_draft_model", kind == Core.Performance.SpeculativeMethod.Draft
                    ? "is required with method draft: the model that drafts"
                    : $"is given, but only method draft drafts with a model of its own ('{method}' does not)");
            }

            return new MeasuredSpeculation(kind, (int)tokens.Value, acceptance.Value, draft);
        }

        /// <summary>
        /// <c>vllm_use_v1</c>, the server's VLLM_USE_V1: false chooses the V0 engine on a release from 0.8 to 0.10 (true
        /// says the default engine there). Refused at its cell without a vLLM release that had both engines.
        /// </summary>
        public bool? VllmUseV1()
        {
            const string column = "vllm_use_v1";
            bool? useV1 = OptionalFlag(column);
            if (useV1 is null)
            {
                return null;
            }

            return Core.Performance.VllmServerDefaults.UseV1Refusal(table.Cell(cells, "engine"), table.Cell(cells, "engine_version")) is { } refusal
                ? throw new CatalogException(table.Source, line, column, $"{refusal}: leave it empty")
                : useV1;
        }

        /// <summary>A true/false cell, or null when the column is absent or the cell empty.</summary>
        public bool? OptionalFlag(string column) => table.Cell(cells, column).ToLowerInvariant() switch
        {
            "" => null,
            "false" or "no" or "0" => false,
            "true" or "yes" or "1" => true,
            string other => throw new CatalogException(table.Source, line, column, $"'{other}' is not true or false"),
        };
    }
}
