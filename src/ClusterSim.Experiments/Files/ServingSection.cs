using System.Globalization;
using System.Text;
using ClusterSim.Core.Catalog;
using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.Routing;
using ClusterSim.Core.Inference.Workload;
using ClusterSim.Core.Performance;
using YamlDotNet.RepresentationModel;
using static ClusterSim.Experiments.Files.ResolvedSections;

namespace ClusterSim.Experiments.Files;

/// <summary>Binds the <c>serving:</c> section (replicas, router, disaggregation, response cache) and its <c>workload:</c>, and writes them back with every default explicit.</summary>
internal static class ServingSection
{
    /// <summary>Routers by the names an experiment file uses.</summary>
    internal static readonly Dictionary<string, RouterKind> Routers = new()
    {
        ["round-robin"] = RouterKind.RoundRobin,
        ["random"] = RouterKind.Random,
        ["least-outstanding"] = RouterKind.LeastOutstanding,
        ["power-of-two"] = RouterKind.PowerOfTwo,
        ["kv-aware"] = RouterKind.KvAware,
        ["prefix-affinity"] = RouterKind.PrefixAffinity,
        ["vllm-dp"] = RouterKind.VllmDataParallel,
    };

    private static readonly Dictionary<string, ThinkTime> ThinkTimes = new() { ["fixed"] = ThinkTime.Fixed, ["exponential"] = ThinkTime.Exponential };

    /// <summary><c>workload.max_tokens</c>: whether each request carries its output length (sent) or leaves it to the server (omitted).</summary>
    internal static readonly Dictionary<string, bool> MaxTokensModes = new() { ["sent"] = true, ["omitted"] = false };
    private static readonly Dictionary<string, string> LengthKinds = new[] { "fixed", "uniform", "lognormal", "eos" }.ToDictionary(k => k);

    /// <summary>The serving point the file describes (null when something is wrong; the reader holds the problems); each replica pool's calibration, or its warning, goes to <paramref name="calibrations"/>.</summary>
    public static ServingPoint? Read(YamlReader r, YamlMappingNode root, SimCatalog catalog, string file, bool arrivalFromDemand, SortedSet<string> calibrations)
    {
        YamlMappingNode? serving = r.Mapping(YamlReader.Child(root, "serving"), "serving", [.. DeploymentSection.Keys, "replicas", "router", "disaggregation", "response_cache"]);
        if (serving is null)
        {
            r.Problem(root, "serving", "is required (model, hardware, replicas, ...)");
        }

        (ServingDeployment? deployment, SchedulerOptions schedulerOptions) = DeploymentSection.Read(r, serving, "serving", catalog, calibrations);
        int replicas = r.Integer(serving, "replicas", "serving", 1, 1, 100_000);
        RouterKind router = r.Choice(serving, "router", "serving", RouterKind.LeastOutstanding, Routers);

        YamlMappingNode? workload = r.Mapping(YamlReader.Child(root, "workload"), "workload", "arrival", "prompt_tokens", "output_tokens", "prompts", "queries", "conversation", "classes", "requests", "horizon_s", "warmup_s", "timeout_s", "max_tokens", "trace");
        if (workload is null)
        {
            r.Problem(root, "workload", "is required (arrival, prompt_tokens, output_tokens, requests)");
        }

        YamlMappingNode? arrivalNode = r.Mapping(YamlReader.Child(workload, "arrival"), "workload.arrival", "kind", "rate", "load", "cv", "amplitude", "period_s", "concurrency", "think_s", "think", "ramp_s", "max_in_flight", "in_process");
        ArrivalKind arrivalKind = r.Choice(arrivalNode, "kind", "workload.arrival", ArrivalKind.Poisson, ArrivalKinds.ByName);
        double? rate = YamlReader.Child(arrivalNode, "rate") is null ? null : r.Number(arrivalNode, "rate", "workload.arrival", 1, 0, exclusiveMin: true);
        double? load = YamlReader.Child(arrivalNode, "load") is null ? null : r.Number(arrivalNode, "load", "workload.arrival", 0.5, 0, 10, exclusiveMin: true);
        if (!arrivalFromDemand && arrivalKind.IsOpen() && rate is null == load is null)
        {
            r.Problem(arrivalNode ?? (YamlNode?)workload, "workload.arrival", "give exactly one of 'rate' (requests/s) or 'load' (fraction of the saturation rate)");
        }

        var arrival = new ArrivalSpec(
            arrivalKind,
            rate,
            load,
            r.Number(arrivalNode, "cv", "workload.arrival", 1, 0, exclusiveMin: true),
            r.Number(arrivalNode, "amplitude", "workload.arrival", 0.5, 0, 1),
            r.Number(arrivalNode, "period_s", "workload.arrival", 86_400, 0, exclusiveMin: true),
            r.Integer(arrivalNode, "concurrency", "workload.arrival", 16, 1, 10_000_000),
            r.Number(arrivalNode, "think_s", "workload.arrival", 0, 0))
        {
            Think = r.Choice(arrivalNode, "think", "workload.arrival", ThinkTime.Fixed, ThinkTimes),
            RampSeconds = r.Number(arrivalNode, "ramp_s", "workload.arrival", 0, 0),
            MaxInFlight = r.Integer(arrivalNode, "max_in_flight", "workload.arrival", 0, 0, 10_000_000),
            InProcess = r.Flag(arrivalNode, "in_process", "workload.arrival", false),
        };
        if (arrival.MaxInFlight > 0 && !arrivalKind.IsOpen())
        {
            r.Problem(YamlReader.Child(arrivalNode, "max_in_flight"), "workload.arrival.max_in_flight", $"caps a paced client's requests in flight: it needs open arrivals (poisson, gamma, constant or diurnal), not '{arrivalKind.Name()}'");
        }

        YamlMappingNode? promptsNode = r.Mapping(YamlReader.Child(workload, "prompts"), "workload.prompts", "system_prompts", "users_per_prompt", "system_tokens");
        PromptSet prompts = promptsNode is null
            ? PromptSet.None
            : new PromptSet(
                r.Integer(promptsNode, "system_prompts", "workload.prompts", 1, 1, 10_000_000),
                r.Integer(promptsNode, "users_per_prompt", "workload.prompts", 1, 1, 10_000_000),
                r.Integer(promptsNode, "system_tokens", "workload.prompts", 0, 0, 10_000_000));

        YamlMappingNode? queriesNode = r.Mapping(YamlReader.Child(workload, "queries"), "workload.queries", "catalog", "zipf");
        QuerySpec? queries = queriesNode is null
            ? null
            : new QuerySpec(r.Integer(queriesNode, "catalog", "workload.queries", 10_000, 1, 100_000_000), r.Number(queriesNode, "zipf", "workload.queries", 1, 0, 10));
        if (queries is not null && promptsNode is not null)
        {
            r.Problem(queriesNode, "workload.queries", "give 'prompts' (shared system prompts) or 'queries' (repeated questions), not both");
        }

        YamlMappingNode? answersNode = r.Mapping(YamlReader.Child(serving, "response_cache"), "serving.response_cache", "entries", "ttl_s", "lookup_ms");
        ResponseCacheOptions? responseCache = answersNode is null
            ? null
            : new ResponseCacheOptions
            {
                Entries = r.Integer(answersNode, "entries", "serving.response_cache", 10_000, 0, 100_000_000),
                TtlSeconds = r.Number(answersNode, "ttl_s", "serving.response_cache", 3600, 0, exclusiveMin: true),
                LookupSeconds = r.Number(answersNode, "lookup_ms", "serving.response_cache", 5, 0, 60_000) / 1e3,
            };
        if (responseCache is not null && !arrivalKind.IsOpen())
        {
            r.Problem(answersNode, "serving.response_cache", $"needs open arrivals (poisson, gamma, constant or diurnal), not '{arrivalKind.Name()}'");
        }

        YamlMappingNode? conversationNode = r.Mapping(YamlReader.Child(workload, "conversation"), "workload.conversation", "turns", "think_s", "follow_up_tokens");
        ConversationSpec? conversation = conversationNode is null
            ? null
            : new ConversationSpec(
                r.Integer(conversationNode, "turns", "workload.conversation", 4, 1, 10_000),
                r.Number(conversationNode, "think_s", "workload.conversation", 10, 0, 1e9),
                ReadLengths(r, conversationNode, "follow_up_tokens", 100, "workload.conversation"));
        if (conversation is not null && !arrivalKind.IsOpen())
        {
            r.Problem(conversationNode, "workload.conversation", $"needs open arrivals (poisson, gamma, constant or diurnal), not '{arrivalKind.Name()}'");
        }

        IReadOnlyList<TraceRecord>? trace = null;
        string? traceFile = null;
        YamlMappingNode? traceNode = r.Mapping(YamlReader.Child(workload, "trace"), "workload.trace", "file");
        if (arrivalKind == ArrivalKind.Trace)
        {
            traceFile = r.Text(traceNode, "file", "workload.trace", required: true);
            if (traceFile is not null)
            {
                try
                {
                    // Kept as a full path: the resolved experiment, saved with the results, must find the trace from there.
                    traceFile = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".", traceFile));
                    trace = TraceFile.Read(traceFile);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or CatalogException or ArgumentException)
                {
                    r.Problem(YamlReader.Child(traceNode, "file"), "workload.trace.file", e.Message);
                }
            }
        }

        IReadOnlyList<RequestClass> classes = ClassesSection.Read(r, workload);
        LengthSpec prompt = ReadLengths(r, workload, "prompt_tokens", 512);
        LengthSpec output = ReadLengths(r, workload, "output_tokens", 256);
        YamlMappingNode? slo = r.Mapping(YamlReader.Child(root, "slo"), "slo", "ttft_s", "tpot_s");
        YamlMappingNode? outputs = r.Mapping(YamlReader.Child(root, "outputs"), "outputs", "series_interval_s", "series_max_points");
        long requests = (long)r.Number(workload, "requests", "workload", 10_000, 1, 1e9);

        if (deployment is null)
        {
            return null;
        }

        bool sendsMaxTokens = r.Choice(workload, "max_tokens", "workload", true, MaxTokensModes);
        ContextCheck.Check(r, workload, deployment, prompt, output, trace, conversation, calibrations, sendsMaxTokens);
        var testTime = TestTimeSection.Read(r, root, deployment.Accelerator.PricePerHour, deployment.Accelerator.Id);
        YamlMappingNode? split = r.Mapping(YamlReader.Child(serving, "disaggregation"), "serving.disaggregation", "prefill_replicas", "kv_link_gb_s", "latency_us", "decode", "max_local_prefill", "max_prefill_queue", "local_needs_cache_hit");
        Disaggregation? disaggregation = null;
        IReadOnlyList<ReplicaGroup> groups = [new ReplicaGroup(deployment, schedulerOptions, replicas)];
        if (split is not null)
        {
            // prefill_replicas: 0 serves colocated, so a sweep can compare against no disaggregation.
            int prefillReplicas = r.Integer(split, "prefill_replicas", "serving.disaggregation", 1, 0, 100_000);
            ReplicaGroup? decode = prefillReplicas > 0 ? DecodeGroup(r, split, "serving.disaggregation", deployment, schedulerOptions, replicas - prefillReplicas, catalog, calibrations) : null;

            // The KV cache crosses the link Disaggregation.DefaultLink gives unless the file names one.
            double defaultLink = double.NaN;   // NaN only where a problem was said, or where the file names the link
            if (prefillReplicas > 0 && YamlReader.Child(split, "kv_link_gb_s") is null)
            {
                try
                {
                    defaultLink = Disaggregation.DefaultLink(deployment, prefillReplicas, decode?.Deployment ?? deployment, Math.Max(1, replicas - prefillReplicas)).GBps;
                }
                catch (ArgumentException e)
                {
                    r.Problem(split, "serving.disaggregation.kv_link_gb_s", e.Message);
                }
            }

            disaggregation = new Disaggregation(
                prefillReplicas,
                r.Number(split, "kv_link_gb_s", "serving.disaggregation", defaultLink, 0, exclusiveMin: true),
                r.Number(split, "latency_us", "serving.disaggregation", 20, 0) / 1e6);
            disaggregation = WithConditions(r, split, "serving.disaggregation", disaggregation);
            if (disaggregation.PrefillReplicas >= replicas)
            {
                r.Problem(YamlReader.Child(split, "prefill_replicas"), "serving.disaggregation.prefill_replicas", $"{disaggregation.PrefillReplicas} leaves no decode replica of the {replicas}; use fewer or raise serving.replicas");
            }

            if (disaggregation.PrefillReplicas == 0)
            {
                disaggregation = null;
            }
            else if (decode is not null)
            {
                // The decode pool on its own hardware: the first prefill_replicas replicas prefill, the rest decode.
                groups = [new ReplicaGroup(deployment, schedulerOptions, disaggregation.PrefillReplicas), decode];
            }
        }

        r.OrWord("workload.warmup_s", "auto");
        bool warmupAuto = YamlReader.Child(workload, "warmup_s") is YamlScalarNode { Value: "auto" };
        if (warmupAuto && arrivalFromDemand)
        {
            r.Problem(YamlReader.Child(workload, "warmup_s"), "workload.warmup_s",
                "auto applies to a serving study's runs; the capacity cells of a lifecycle, a model choice or an edge study take a number of seconds");
        }

        if (arrival.MaxInFlight > 0 && (testTime is not null || conversation is not null))
        {
            r.Problem(YamlReader.Child(arrivalNode, "max_in_flight"), "workload.arrival.max_in_flight", "caps a client that sends one request an answer: it cannot be combined with test_time or workload.conversation");
        }

        return new ServingPoint
        {
            TestTime = testTime,
            Disaggregation = disaggregation,
            Replicas = groups,
            Router = router,
            Arrival = arrival,
            Prompt = prompt,
            Output = output,
            Prompts = prompts,
            Conversation = conversation,
            Classes = classes,
            Queries = queries,
            ResponseCache = responseCache,
            Trace = trace,
            TraceFile = traceFile,
            Requests = requests,
            HorizonSeconds = r.Number(workload, "horizon_s", "workload", double.PositiveInfinity, 0, exclusiveMin: true),
            WarmupSeconds = warmupAuto ? 0 : r.Number(workload, "warmup_s", "workload", 0, 0),
            WarmupAuto = warmupAuto,
            ClientTimeoutSeconds = r.Number(workload, "timeout_s", "workload", double.PositiveInfinity, 0, exclusiveMin: true),
            ClientSendsMaxTokens = sendsMaxTokens,
            Slo = new ServiceLevelObjective(r.Number(slo, "ttft_s", "slo", 2, 0, exclusiveMin: true), r.Number(slo, "tpot_s", "slo", 0.2, 0, exclusiveMin: true)),
            SeriesIntervalSeconds = r.Number(outputs, "series_interval_s", "outputs", 10, 0, exclusiveMin: true),

            // A chosen interval is kept at full resolution; the default 10 s doubles as needed to stay within 4,096 points.
            SeriesMaxPoints = r.Integer(outputs, "series_max_points", "outputs", YamlReader.Child(outputs, "series_interval_s") is null ? ExperimentLoader.DefaultSeriesPoints : 0, 0, 100_000_000),
        };
    }

    /// <summary>
    /// <paramref name="split"/> with the conditions <paramref name="node"/> gives at <paramref name="path"/> (conditional
    /// disaggregation): prompts with at most <c>max_local_prefill</c> tokens left to compute on their decode replica prefill
    /// there (with <c>local_needs_cache_hit</c>, TensorRT-LLM's rule, only where that replica's cache holds their start),
    /// and so does any prompt while <c>max_prefill_queue</c> already wait at the prefill replicas (0: no limit).
    /// </summary>
    internal static Disaggregation WithConditions(YamlReader r, YamlMappingNode node, string path, Disaggregation split)
    {
        Disaggregation conditional = split with
        {
            MaxLocalPrefillTokens = r.Integer(node, "max_local_prefill", path, 0, 0, 10_000_000),
            MaxPrefillQueue = r.Integer(node, "max_prefill_queue", path, 0, 0, 10_000_000) is > 0 and int queue ? queue : null,
            LocalNeedsCacheHit = r.Flag(node, "local_needs_cache_hit", path, false),
        };
        if (conditional.LocalNeedsCacheHit && conditional.MaxLocalPrefillTokens == 0)
        {
            r.Problem(YamlReader.Child(node, "local_needs_cache_hit"), $"{path}.local_needs_cache_hit",
                "qualifies max_local_prefill (TensorRT-LLM's rule: a prompt of at most that many uncached tokens prefills on its decode replica only when the replica's cache holds its start); give max_local_prefill too");
        }

        return conditional;
    }

    /// <summary>A split's conditions as the resolved file writes them inline (", max_local_prefill: N, max_prefill_queue: N"; empty when it has none).</summary>
    internal static string Conditions(Disaggregation split) =>
        (split.MaxLocalPrefillTokens > 0 ? string.Create(CultureInfo.InvariantCulture, $", max_local_prefill: {split.MaxLocalPrefillTokens}") : string.Empty)
        + (split.MaxPrefillQueue is int queue ? string.Create(CultureInfo.InvariantCulture, $", max_prefill_queue: {queue}") : string.Empty)
        + (split.LocalNeedsCacheHit ? ", local_needs_cache_hit: true" : string.Empty);

    /// <summary>
    /// The decode replicas of a disaggregation at <paramref name="splitPath"/>: its <c>decode</c> mapping's replica fields
    /// (the prefill replicas' scheduler unless it names one), the same model as the prefill replicas. On
    /// <paramref name="poolChip"/> when given (a cluster's decode pool: no <c>hardware</c> key; without a <c>decode</c>
    /// mapping, the fields of <paramref name="sameAs"/>, the placement's own), else on the mapping's <c>hardware</c> or the
    /// prefill replicas'. Null where a problem was said; a serving section's absent mapping is null too.
    /// </summary>
    internal static ReplicaGroup? DecodeGroup(
        YamlReader r, YamlMappingNode split, string splitPath, ServingDeployment prefill, SchedulerOptions scheduler, int count, SimCatalog catalog, SortedSet<string> calibrations,
        AcceleratorSpec? poolChip = null, (YamlMappingNode Node, string Path)? sameAs = null)
    {
        string path = $"{splitPath}.decode";
        YamlMappingNode? node = r.Mapping(YamlReader.Child(split, "decode"), path, poolChip is null ? DeploymentSection.Keys : [.. DeploymentSection.Keys.Where(k => k != "hardware")]);
        if ((node is null && poolChip is null) || count < 1)
        {
            return null;
        }

        if (node is null && sameAs is { } own)
        {
            (node, path) = own;   // the placement's weights, size and formats, on the decode pool's accelerators
        }

        AcceleratorSpec? chip = poolChip ?? (YamlReader.Child(node, "hardware") is null ? prefill.Accelerator : null);
        (ServingDeployment? decode, SchedulerOptions decodeScheduler) = DeploymentSection.Read(r, node, path, catalog, calibrations, chip, prefill.Model.Id);
        if (decode is null)
        {
            return null;
        }

        if (decode.Model.Id != prefill.Model.Id)
        {
            r.Problem(YamlReader.Child(node, "model"), $"{path}.model", $"decodes the prefill pool's KV cache, so it serves the same model ({prefill.Model.Id}), not {decode.Model.Id}");
            return null;
        }

        return new ReplicaGroup(decode, YamlReader.Child(node, "scheduler") is null ? scheduler : decodeScheduler, count);
    }

    /// <summary>
    /// A length distribution (<c>fixed</c>, <c>uniform</c>, <c>lognormal</c> or <c>eos</c>: answers stopped at the end token,
    /// geometric up to <c>max</c>, the tokens asked for) at <paramref name="key"/> of
    /// <paramref name="workload"/>, or a plain number of tokens (fixed); absent, a fixed <paramref name="defaultMean"/>.
    /// </summary>
    public static LengthSpec ReadLengths(YamlReader r, YamlMappingNode? workload, string key, double defaultMean, string parent = "workload")
    {
        string path = $"{parent}.{key}";
        r.AlsoNumber(path);
        if (YamlReader.Child(workload, key) is YamlScalarNode)
        {
            // prompt_tokens: 1024 is every request's length, as { kind: fixed, mean: 1024 } is.
            return new LengthSpec("fixed", r.Number(workload, key, parent, defaultMean, 1), 0, 1, 1, 1_000_000);
        }

        YamlMappingNode? node = r.Mapping(YamlReader.Child(workload, key), path, "kind", "mean", "median", "sigma", "min", "max");
        string kind = r.Choice(node, "kind", path, node is null ? "fixed" : "lognormal", LengthKinds);
        double mean = r.Number(node, "mean", path, defaultMean, 1);
        double median = r.Number(node, "median", path, 0, 0);
        if (kind == "lognormal" && median > mean)
        {
            r.Problem(YamlReader.Child(node, "median"), $"{path}.median", $"a log-normal's median ({median}) cannot exceed its mean ({mean})");
        }

        int min = r.Integer(node, "min", path, 1, 1);
        int max = r.Integer(node, "max", path, kind == "uniform" ? (int)(2 * mean) : 1_000_000, 1);
        if (max < min)
        {
            r.Problem(YamlReader.Child(node, "max"), $"{path}.max", $"max ({max}) is below min ({min})");
        }

        if (kind == "eos" && YamlReader.Child(node, "max") is null)
        {
            r.Problem(YamlReader.Child(node, "kind"), $"{path}.max", "answers stopped at EOS need max: the tokens each request asks for, where an answer that never met the end token stops");
        }
        else if (kind == "eos" && mean > max)
        {
            r.Problem(YamlReader.Child(node, "mean"), $"{path}.mean", $"answers stopped at EOS average at most the {max} tokens asked for (mean {mean})");
        }

        return new LengthSpec(kind, mean, median, r.Number(node, "sigma", path, 1, 0), min, max);
    }

    /// <summary>The serving and workload sections as YAML with every default explicit (the resolved experiment's text).</summary>
    public static string Resolved(ServingPoint p)
    {
        ReplicaGroup g = p.Replicas[0];
        ServingDeployment d = g.Deployment;
        string L(LengthSpec s) => $"{{ kind: {s.Kind}, mean: {F(s.Mean)}, median: {F(s.Median)}, sigma: {F(s.Sigma)}, min: {s.Min}, max: {s.Max} }}";
        var text = new StringBuilder();
        text.AppendLine("serving:");
        text.AppendLine(CultureInfo.InvariantCulture, $"  model: {d.Model.Id}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  hardware: {d.Accelerator.Id}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  engine: {DeploymentSection.EngineName(d.Engine)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  sampling: {DeploymentSection.SamplingName(d.Sampling)}");
        if (d.Sampling == SamplingMode.Filtered)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  sampler_kernel: {DeploymentSection.SamplerKernelName(d.SamplerKernel)}");
        }

        if (d.EngineVersion.Length > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  engine_version: \"{d.EngineVersion}\"");
        }

        if (!d.CustomAllReduce)
        {
            text.AppendLine("  custom_all_reduce: false");
        }

        if (d.MultiStep > 1)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  multi_step: {d.MultiStep}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"  replicas: {p.Replicas.Sum(x => x.Count)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  tensor_parallel: {d.TensorParallel}");
        if (d.AttentionDataParallel)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  attention: {DeploymentSection.AttentionLayoutName(d.Attention)}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"  pipeline_parallel: {d.PipelineParallel}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  weights: {d.Weights.ToString().ToLowerInvariant()}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  head_weights: {d.HeadFormat.ToString().ToLowerInvariant()}   # the input embedding and LM head");
        if (d.Model.IsMoE)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  dense_weights: {d.DenseFormat.ToString().ToLowerInvariant()}   # every layer but the routed experts");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"  weight_bits: {F(d.WeightBitsPerElement)}   # a stored layer weight, its format's scales included");
        text.AppendLine(CultureInfo.InvariantCulture, $"  kv_cache: {d.KvCache.ToString().ToLowerInvariant()}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  memory_reserve: {F(d.MemoryReserve)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  max_model_len: {d.ContextLimit}   # the longest request the server takes");
        text.AppendLine(CultureInfo.InvariantCulture, $"  scheduler: {{ kind: {DeploymentSection.Schedulers.First(s => s.Value == g.Scheduler.Kind).Key}, max_sequences: {g.Scheduler.MaxSequences}, max_batched_tokens: {g.Scheduler.MaxBatchedTokens}, prefix_caching: {(g.Scheduler.PrefixCaching ? "true" : "false")}, kv_offload_gib: {F(g.Scheduler.HostKvBytes / 1073741824.0)}, kv_admission: {DeploymentSection.KvAdmissions.First(a => a.Value == g.Scheduler.KvAdmission).Key}, async_scheduling: {(g.Scheduler.AsyncScheduling ? "true" : "false")}, policy: {DeploymentSection.Policies.First(x => x.Value == g.Scheduler.Policy).Key}{(g.Scheduler.ReceiveInterval > 1 ? $", recv_interval: {g.Scheduler.ReceiveInterval}" : string.Empty)} }}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  router: {Routers.First(r => r.Value == p.Router).Key}");
        if (p.ResponseCache is { } rc)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  response_cache: {{ entries: {rc.Entries}, ttl_s: {F(rc.TtlSeconds)}, lookup_ms: {F(rc.LookupSeconds * 1e3)} }}");
        }

        if (d.Speculative is { } speculative)
        {
            text.Append(SpeculativeSection.Resolved(speculative));
        }

        if (d.MoeRouting is { } moe)
        {
            text.Append(MoeSection.Resolved(moe));
        }

        if (p.Disaggregation is { } split)
        {
            // The decode pool, when it has a shape of its own: its replicas are serving.replicas less the prefill ones.
            string decode = p.Replicas.Count > 1 && p.Replicas[1].Deployment is var dd
                ? $", decode: {{ hardware: {dd.Accelerator.Id}, tensor_parallel: {dd.TensorParallel}, weights: {dd.Weights.ToString().ToLowerInvariant()}, kv_cache: {dd.KvCache.ToString().ToLowerInvariant()} }} }}   # decode pool: {p.Replicas[1].Count} on {dd.CalibrationName}"
                : " }";
            text.AppendLine(CultureInfo.InvariantCulture, $"  disaggregation: {{ prefill_replicas: {split.PrefillReplicas}, kv_link_gb_s: {F(split.KvLinkGBps)}, latency_us: {F(split.TransferLatencySeconds * 1e6)}{Conditions(split)}{decode}");
        }

        EfficiencyFactors e = d.Efficiency;
        text.AppendLine(CultureInfo.InvariantCulture,
            $"  efficiency: {{ compute: {F(e.Compute)}, expert_half_width: {F(e.ExpertHalfWidth)}, gemm_half_tokens: {F(e.GemmHalfTokens)}{(e.ExpertHalfTokens > 0 ? $", expert_half_tokens: {F(e.ExpertHalfTokens)}" : "")}, gemm_kernel_us: {F(e.GemmKernelSeconds * 1e6)}, memory: {F(e.Memory)}, attention: {F(e.Attention)}{(e.MlaAttention > 0 ? $", mla_attention: {F(e.MlaAttention)}" : "")}, kv_read: {F(e.KvRead)}{(d.Model.HasLinearLayers ? $", state_update: {F(e.StateUpdateFor)}, scan: {F(e.ScanFor)}" : string.Empty)}, link: {F(e.Link)}, collective_latency_us: {F(e.CollectiveLatencySeconds * 1e6)}{(e.CollectiveLaunchSeconds > 0 ? $", collective_launch_us: {F(e.CollectiveLaunchSeconds * 1e6)}" : "")}{(d.CrossesNetwork ? $", network_latency_us: {F(e.NetworkLatencySeconds * 1e6)}" : string.Empty)}, overhead_ms: {F(e.IterationOverheadSeconds * 1e3)}, sequence_overhead_us: {F(e.SequenceOverheadSeconds * 1e6)}, request_overhead_ms: {F(e.RequestOverheadSeconds * 1e3)}{(d.WidensExperts ? $", dequant_expert: {F(e.DequantExpert)}" : "")}{(d.Sampling == SamplingMode.Filtered ? $", sampler_sm_cycles_per_entry: {F(e.SamplerCyclesPerEntry)}" : "")} }}   # {d.CalibrationName}");
        text.AppendLine("workload:");
        ArrivalSpec a = p.Arrival;
        // A closed loop or a trace has neither a rate nor a load.
        string rateOrLoad = a.Rate is { } rate ? $"rate: {F(rate)}, " : a.Load is { } load ? $"load: {F(load)}, " : string.Empty;
        text.AppendLine(CultureInfo.InvariantCulture, $"  arrival: {{ kind: {a.Kind.Name()}, {rateOrLoad}cv: {F(a.Cv)}, amplitude: {F(a.Amplitude)}, period_s: {F(a.PeriodSeconds)}, concurrency: {a.Concurrency}, think_s: {F(a.ThinkSeconds)}, think: {a.Think.ToString().ToLowerInvariant()}, ramp_s: {F(a.RampSeconds)}{(a.MaxInFlight > 0 ? $", max_in_flight: {a.MaxInFlight}" : string.Empty)}{(a.InProcess ? ", in_process: true" : string.Empty)} }}");
        if (p.TraceFile is { } traceFile)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  trace: {{ file: {YamlText.Quoted(traceFile)} }}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"  prompt_tokens: {L(p.Prompt)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  output_tokens: {L(p.Output)}");
        if (p.Queries is { } q)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  queries: {{ catalog: {q.Catalog}, zipf: {F(q.Zipf)} }}");
        }

        if (p.Conversation is { } c)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  conversation: {{ turns: {c.Turns}, think_s: {F(c.ThinkSeconds)}, follow_up_tokens: {L(c.FollowUp)} }}");
        }

        text.Append(ClassesSection.Resolved(p.Classes));
        if (p.Prompts.Distinct > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  prompts: {{ system_prompts: {p.Prompts.SystemPrompts}, users_per_prompt: {p.Prompts.UsersPerPrompt}, system_tokens: {p.Prompts.SystemTokens} }}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"  requests: {p.Requests}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  horizon_s: {(double.IsPositiveInfinity(p.HorizonSeconds) ? ".inf" : F(p.HorizonSeconds))}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  warmup_s: {(p.WarmupAuto ? "auto" : F(p.WarmupSeconds))}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  timeout_s: {(double.IsPositiveInfinity(p.ClientTimeoutSeconds) ? ".inf" : F(p.ClientTimeoutSeconds))}");
        if (!p.ClientSendsMaxTokens)
        {
            text.AppendLine("  max_tokens: omitted");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"slo: {{ ttft_s: {F(p.Slo.TtftSeconds)}, tpot_s: {F(p.Slo.TpotSeconds)} }}");
        text.AppendLine(CultureInfo.InvariantCulture, $"outputs: {{ series_interval_s: {F(p.SeriesIntervalSeconds)}, series_max_points: {p.SeriesMaxPoints} }}");
        if (p.TestTime is { } tt)
        {
            text.Append(TestTimeSection.Resolved(tt));
        }

        return text.ToString();
    }
}
