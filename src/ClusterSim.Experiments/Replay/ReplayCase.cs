using System.Globalization;
using System.Text.RegularExpressions;
using ClusterSim.Core.Catalog;
using ClusterSim.Core.Moe;
using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.Workload;
using ClusterSim.Core.Performance;

namespace ClusterSim.Experiments.Replay;

/// <summary>
/// One measured experiment made simulable: its deployment, scheduler limits and staged load, with the measured rows
/// (whole run and stages) it is compared against and every assumption made where the row was silent.
/// </summary>
public sealed partial record ReplayCase
{
    /// <summary>Template tokens a chat prompt adds to the configured system prompt and question (575 measured for 547 configured).</summary>
    private const int ChatTemplateTokens = 28;

    public required string Experiment { get; init; }
    public required IReadOnlyList<MeasuredRun> Rows { get; init; }
    public required ServingDeployment Deployment { get; init; }
    public required SchedulerOptions Scheduler { get; init; }
    public int Replicas { get; init; } = 1;

    /// <summary>
    /// The prefill workers of a disaggregated run (<see cref="MeasuredRun.PrefillReplicas"/>), which hand each request's KV
    /// cache to the <see cref="Replicas"/> replicas of <see cref="Deployment"/> to decode; null for a colocated run.
    /// </summary>
    public ReplicaGroup? Prefill { get; init; }

    /// <summary>The split between <see cref="Prefill"/> and the decode replicas, with the link the KV cache crosses; null when colocated.</summary>
    public Disaggregation? Disaggregation { get; init; }
    public required IReadOnlyList<LoadStage> Stages { get; init; }

    /// <summary>How requests are sent; <see cref="Stages"/> gives the rate (and concurrency for a closed loop) and duration.</summary>
    public ReplayArrival Arrival { get; init; } = ReplayArrival.Staged;

    /// <summary>
    /// True when the run's requests reached the engine in process (<see cref="MeasuredRun.InProcess"/>), so those sent
    /// together share its first step; a server's clients (even all at once, at an infinite rate) come through its front
    /// end one at a time.
    /// </summary>
    public bool InProcessSubmission { get; init; }

    /// <summary>Gamma shape of the gaps for <see cref="ReplayArrival.Gamma"/> (1: Poisson).</summary>
    public double Burstiness { get; init; } = 1;

    /// <summary>Users of a closed loop, or requests of an offline run.</summary>
    public int Concurrency { get; init; }

    /// <summary>The most requests a paced client keeps in flight (its <c>max_concurrency</c> beside a rate); 0: no cap.</summary>
    public int ClientConcurrencyCap { get; init; }

    /// <summary>
    /// A closed loop's users start at uniform random times over this many seconds rather than all at once: a client that
    /// measures the steady state (perf_analyzer's stable windows) sees no start-up wave; 0: all at once.
    /// </summary>
    public double RampSeconds { get; init; }

    /// <summary>Requests to send when the arrival is not staged.</summary>
    public long Requests { get; init; }
    public required int PromptTokens { get; init; }
    public required int OutputTokens { get; init; }

    /// <summary>
    /// How requests are sized when the measurement says more than the means (<see cref="MeasuredRun.Lengths"/>: then
    /// <see cref="PromptTokens"/> and <see cref="OutputTokens"/> are their means and ITL is scored per request); null
    /// when every request is replayed at the means.
    /// </summary>
    public RequestLengths? Lengths { get; init; }

    /// <summary>The requests' classes by priority (a trace's); empty: one class.</summary>
    public IReadOnlyList<RequestClass> Classes { get; init; } = [];

    /// <summary>True when the run's output throughput is an outcome of its step times (all at once or a closed loop), not the offered load.</summary>
    public bool ThroughputIsOutcome => Arrival is ReplayArrival.AllAtOnce or ReplayArrival.ClosedLoop;

    /// <summary>
    /// The output count the measurement divides by when it derives ITL ((E2E − TTFT) / (output − 1)); differs from
    /// <see cref="OutputTokens"/> when the load generator under-counted what the server generated.
    /// </summary>
    public required int ScoredOutputTokens { get; init; }

    /// <summary>The load generator's prompt set (system prompts × users), which the replicas' prefix caches see repeat.</summary>
    public PromptSet Prompts { get; init; }

    /// <summary>Load inputs (rate, schedule, lengths, duration) that were not published and were assumed; empty when all were.</summary>
    public IReadOnlyList<string> Assumptions { get; init; } = [];

    /// <summary>Smaller gaps filled in (an unstated dtype, a client's output under-count), which do not change the offered load.</summary>
    public IReadOnlyList<string> Corrections { get; init; } = [];

    /// <summary>
    /// The load generator's request timeout, seconds: the row's <c>client_timeout_s</c> when given; else
    /// <see cref="InferencePerfTimeoutSeconds"/> for runs at a constant rate or a stage schedule (inference-perf) and
    /// <see cref="VllmBenchTimeoutSeconds"/> for Poisson, gamma, closed-loop and all-at-once runs (vLLM's bench).
    /// </summary>
    public double ClientTimeoutSeconds { get; init; } = InferencePerfTimeoutSeconds;

    /// <summary>
    /// inference-perf's request timeout, seconds: inferred from the overloaded runs of the measured calibration set, whose
    /// p99 E2E lies at 290–298 s in all three (the survivors of a 300 s client timeout).
    /// </summary>
    internal const double InferencePerfTimeoutSeconds = 300;

    /// <summary>
    /// <c>vllm bench serve</c>'s request timeout, seconds: its HTTP client's total timeout of six hours
    /// (<c>AIOHTTP_TIMEOUT</c> in vLLM's benchmark request functions), so under an all-at-once load no request is abandoned.
    /// </summary>
    internal const double VllmBenchTimeoutSeconds = 6 * 3600;

    /// <summary>
    /// True when the engine is vLLM's V0 run in its client's process, whose host costs replace the calibration's engine
    /// overheads (<see cref="VllmV0InProcess"/>) — also when a fit or a given calibration supplies the other factors.
    /// </summary>
    public bool V0InProcessHostCosts { get; init; }

    /// <summary>A warning when the accelerator's calibration is not a fit for it.</summary>
    public string? CalibrationWarning { get; init; }

    /// <summary>The calibration row the deployment's factors came from.</summary>
    public required ServingCalibration Calibration { get; init; }

    /// <summary>
    /// True for the rows the headline errors are taken over: each load stage of a staged run, or the whole run when it
    /// had one stage.
    /// </summary>
    public bool Scores(MeasuredRun row) => row.Class.Length == 0 && (!row.IsWholeRun || Stages.Count == 1 || !Rows.Any(r => !r.IsWholeRun && r.Class.Length == 0));

    /// <summary>
    /// The rows a fit matches: the scored ones whose latency measures step times, not an overload's length. An all-at-once
    /// run is saturated by design, but its whole queue drains at the rate the steps set (nothing arrives later and no
    /// stage is cut short), so its rows count unless requests failed.
    /// </summary>
    public IEnumerable<MeasuredRun> FitRows => Rows.Where(r => Scores(r) && (!r.Saturated || (Arrival == ReplayArrival.AllAtOnce && r.FailedRequests is not > 0)));

    /// <summary>True when the run's rate, lengths and durations were all published (<see cref="Assumptions"/> is empty).</summary>
    public bool FullyMeasured => Assumptions.Count == 0;

    /// <summary>
    /// Groups rows by experiment and builds a case for each; an experiment that cannot be simulated (unknown model or
    /// accelerator, no rate and no known profile) is returned with the reason instead.
    /// </summary>
    public static (IReadOnlyList<ReplayCase> Cases, IReadOnlyList<(string Experiment, string Reason)> Skipped) Build(IReadOnlyList<MeasuredRun> runs, SimCatalog catalog)
    {
        var cases = new List<ReplayCase>();
        var skipped = new List<(string, string)>();
        foreach (var group in runs.GroupBy(r => r.Experiment, StringComparer.Ordinal))
        {
            try
            {
                cases.Add(From(group.ToList(), catalog));
            }
            catch (ArgumentException e)
            {
                skipped.Add((group.Key, e.Message));
            }
        }

        return (cases, skipped);
    }

    /// <summary>The token budget a TensorRT-LLM row runs with, as its note says it: the row's own, none of its own before 0.11, or 8,192 (a row that names no release is taken as 0.11 or later, and the note says how to name an older one).</summary>
    private static string TensorRtLlmBudget(MeasuredRun first)
    {
        string release = first.EngineVersion.Trim();
        int budget = SchedulerOptions.TensorRtLlmMaxNumTokensFor(release);
        return first.MaxBatchedTokens is int given ? given.ToString("N0", CultureInfo.InvariantCulture)
            : EngineRelease.Before(release, TensorRtLlmRelease.FirstTokenBudget) ? $"unset (release {release}: max_batch_size x max_seq_len)"
            : release.Length == 0 ? string.Create(CultureInfo.InvariantCulture, $"{budget:N0} (release 0.11 or later taken; before 0.11 there was none, name the release in engine_version)")
            : budget.ToString("N0", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Whole experts spread over <see cref="MeasuredRun.ExpertParallel"/> accelerators of the replica, each step's routing
    /// sampled (the busiest rank sets the expert time), exchanging tokens by <paramref name="dispatch"/> (the
    /// tensor-parallel all-reduce, as SGLang's <c>--ep-size</c> and TensorRT-LLM's <c>ep_size</c> do without attention data
    /// parallelism, or all-to-all, as DeepEP does); null when the row slices
    /// every expert across the tensor-parallel group (ep 1). A dense model, or more expert ranks than the replica's
    /// accelerators or the model's experts, is refused with the reason.
    /// </summary>
    private static MoeRoutingOptions? ExpertPlacement(int expertParallel, int tensorParallel, ModelSpec model, ExpertDispatch dispatch)
    {
        if (expertParallel <= 1)
        {
            return null;
        }

        return !model.IsMoE ? throw new ArgumentException($"ep {expertParallel} needs a mixture-of-experts model; '{model.Id}' is dense")
            : expertParallel > tensorParallel ? throw new ArgumentException($"ep {expertParallel} is more than the replica's {tensorParallel} accelerators (tp); expert ranks live inside the tensor-parallel group here")
            : expertParallel > model.Experts ? throw new ArgumentException($"ep {expertParallel} is more than '{model.Id}''s {model.Experts} experts")
            : new MoeRoutingOptions { ExpertParallel = expertParallel, Dispatch = dispatch }.Validated();
    }

    /// <summary>
    /// How many ranks a row's batch limits apply to each: under attention data parallelism TensorRT-LLM's and vLLM's
    /// limits are each rank's, so the replica batches all of them; SGLang divides its chunk size and running-request cap
    /// over the ranks, so its are the replica's (1), as they are without data-parallel attention.
    /// </summary>
    private static int LimitRanks(ServingDeployment deployment, bool sglang) => sglang ? 1 : deployment.AttentionRanks;

    /// <summary>
    /// A disaggregated run's prefill workers: the decode workers' deployment with the row's prefill parallelism and
    /// attention layout (and their batch limits, each rank's as the engine takes them), and the link the KV cache crosses
    /// (<see cref="MeasuredRun.KvLinkGBps"/>, or <see cref="Disaggregation.DefaultLink"/>, said among the corrections as a
    /// deployment's filled-in detail rather than a load input).
    /// </summary>
    private static (ReplicaGroup Prefill, Disaggregation Split) PrefillPool(
        MeasuredRun first, ModelSpec model, ServingDeployment decode, SchedulerOptions scheduler, int sequences, int budget, bool sglang, List<string> corrections)
    {
        int tp = first.PrefillTensorParallel ?? first.TensorParallel;
        ServingDeployment deployment = decode with
        {
            TensorParallel = tp,
            MoeRouting = ExpertPlacement(first.PrefillExpertParallel, tp, model, first.PrefillMoeDispatch),
            Attention = first.PrefillAttention,
        };
        int ranks = LimitRanks(deployment, sglang);
        SchedulerOptions options = scheduler with { MaxSequences = sequences * ranks, MaxBatchedTokens = budget * ranks };
        deployment = deployment.WithEngineRuntime(options.MaxSequences, options.MaxBatchedTokens).Validated();

        double link;
        if (first.KvLinkGBps is double given)
        {
            link = given;
        }
        else
        {
            (link, string said) = Disaggregation.DefaultLink(deployment, first.PrefillReplicas, decode, first.DataParallel);
            corrections.Add(said);
        }

        return (new ReplicaGroup(deployment, options, first.PrefillReplicas), new Disaggregation(first.PrefillReplicas, link).Validated(first.PrefillReplicas + first.DataParallel));
    }

    private static ReplayCase From(IReadOnlyList<MeasuredRun> rows, SimCatalog catalog)
    {
        MeasuredRun first = rows.FirstOrDefault(r => r.IsWholeRun) ?? rows[0];
        if (!catalog.Models.TryResolve(first.Model, out ModelSpec model))
        {
            throw new ArgumentException($"model '{first.Model}' is not in the catalog{ClosestName.Hint(first.Model, catalog.Models.Ids)} (give its Hugging Face config.json or checkpoint directory with --models, or a models CSV: `clustersim catalog import-model` writes one)");
        }

        if (!catalog.Hardware.TryResolve(first.Gpu, out AcceleratorSpec chip))
        {
            throw new ArgumentException($"accelerator '{first.Gpu}' is not in the catalog{ClosestName.Hint(first.Gpu, catalog.Hardware.Ids)} (give --gpu with one that is: `clustersim catalog hardware` lists them)");
        }

        var assumptions = new List<string>(first.Assumed);
        var corrections = new List<string>();
        Precision weights = WeightFormat.Of(first.DType, first.Model, model, corrections);
        ServingEngine engine = EngineName.ParseMeasured(first.Engine, out string? proxy);
        if (proxy is not null)
        {
            assumptions.Add(proxy);
        }

        SamplingMode sampling = SamplingOf(first, engine, corrections);
        bool sglang = engine == ServingEngine.Sglang;
        int sglangChunk = first.MaxBatchedTokens ?? SglangServerDefaults.ChunkedPrefillTokens(chip);
        double memoryShare = first.GpuMemoryUtilization ?? 1 - ServingDeployment.EngineMemoryReserve(engine, chip, first.TensorParallel, 1, sglangChunk);
        var deployment = new ServingDeployment
        {
            Model = model,
            Accelerator = chip,
            Sampling = sampling,
            SamplerKernel = SamplerKernelOf(first, engine, sampling, corrections),
            TensorParallel = first.TensorParallel,
            MoeRouting = ExpertPlacement(first.ExpertParallel, first.TensorParallel, model, first.MoeDispatch),
            CollapsedRouting = first.CollapsedRouting,
            CustomAllReduce = first.CustomAllReduce,
            MultiStep = first.MultiStep,
            Speculative = SpeculationOf(first, catalog),
            Attention = first.Attention,
            Weights = weights,
            HeadWeights = first.HeadWeights,
            DenseWeights = first.DenseWeights,
            WeightBits = first.WeightBits,
            KvCache = KvCacheFormat(first.KvCacheDType),
            MemoryReserve = 1 - memoryShare,
            Engine = engine,
            EngineVersion = first.EngineVersion,
            MaxModelLength = first.MaxModelLength ?? 0,
        };
        var (calibration, warning) = catalog.Calibrations.For(chip, deployment.ComputePrecision, engine, first.EngineVersion);

        EfficiencyFactors factors = calibration.Factors;
        bool v0InProcess = VllmV0InProcess.Applies(engine, first.EngineVersion, first.VllmEntry, first.VllmUseV1);
        if (v0InProcess)
        {
            factors = VllmV0InProcess.Apply(factors, first.TensorParallel);
            corrections.Add(string.Create(CultureInfo.InvariantCulture,
                $"vLLM {first.EngineVersion}'s V0 engine in the client's process: {VllmV0InProcess.StepOverheadSeconds * 1e3:0.#} ms a step and {VllmV0InProcess.SequenceSeconds(first.TensorParallel) * 1e6:0} µs a sequence of host work{(first.TensorParallel > 1 ? $" (with its {first.TensorParallel - 1} workers)" : string.Empty)} in place of the calibration's (VllmV0InProcess)"));
        }
        else if (VllmV0InProcess.Unmeasured(engine, first.EngineVersion, first.VllmEntry, first.MultiStep, first.VllmUseV1))
        {
            corrections.Add(VllmV0InProcess.UnmeasuredNote(first.EngineVersion));
        }

        deployment = (deployment with { Efficiency = factors, CalibrationName = calibration.Name }).Validated();
        if (deployment.AcrossDomainsNote is { } network)
        {
            assumptions.Add(network);
        }

        if (DecodeAttentionBlocks.Untimed(deployment))
        {
            assumptions.Add($"decode attention at the memory's rate alone (release {deployment.EngineVersion} walks a context in one block a head, and the catalog gives no SM count for {chip.Id})");
        }

        if (sampling == SamplingMode.Filtered && chip.SmGhz is null && calibration.Factors.SamplerCyclesPerEntry > 0)
        {
            assumptions.Add($"the sampler as fast as an H100's (no SM figure for {chip.Id} in the catalog)");
        }

        // vLLM's limits as the row's release set them (today's for other engines, whose own defaults follow).
        bool vllmServer = engine == ServingEngine.Vllm;
        VllmServerDefaults vllm = VllmServerDefaults.For(chip, vllmServer ? first.EngineVersion : string.Empty, first.MaxModelLength ?? model.MaxContext, first.ChunkedPrefill,
            vllmServer ? first.VllmEntry : VllmEntryPoint.Server, vllmServer ? first.VllmUseV1 : null);
        var (defaultSequences, defaultBudget) = (vllm.MaxSequences, vllm.MaxBatchedTokens);
        if (vllmServer && vllm.Note is { } releaseDefaults
            && (vllm.NoteIsBudget ? first.MaxBatchedTokens is null : first.MaxSequences is null || first.MaxBatchedTokens is null || first.ChunkedPrefill is null || first.PrefixCaching is null))
        {
            corrections.Add(vllm.NoteIsBudget ? releaseDefaults : ReleaseDefaultsLeftOut(first, vllm, releaseDefaults));
        }

        if (sglang)
        {
            // SGLang sizes its limits from the GPU's memory and its KV pool (SglangServerDefaults); the row's own win.
            defaultBudget = sglangChunk;
            defaultSequences = SglangServerDefaults.MaxRunningRequests(deployment, first.MaxModelLength ?? model.MaxContext);
            if (first.MaxSequences is null || first.MaxBatchedTokens is null || first.GpuMemoryUtilization is null)
            {
                corrections.Add(string.Create(CultureInfo.InvariantCulture,
                    $"SGLang's defaults on {chip.Id}: chunked prefill {defaultBudget:N0} tokens, mem_fraction_static {memoryShare:0.###}, up to {defaultSequences:N0} running requests"));
            }
        }
        else if (engine == ServingEngine.TensorRtLlm)
        {
            // TensorRT-LLM's LLM API limits (SchedulerOptions.For); the row's own win.
            (defaultSequences, defaultBudget) = (SchedulerOptions.TensorRtLlmMaxBatchSize, SchedulerOptions.TensorRtLlmMaxNumTokensFor(first.EngineVersion));
            if (first.MaxSequences is null || first.MaxBatchedTokens is null)
            {
                corrections.Add(string.Create(CultureInfo.InvariantCulture,
                    $"TensorRT-LLM's defaults: max_batch_size {first.MaxSequences ?? defaultSequences:N0}, max_num_tokens {TensorRtLlmBudget(first)}"));
            }
        }

        // Chunked prefill off, no budget given: vLLM V1 steps decodes beside whole prompts and refuses a budget below
        // max_model_len, so its default is at least that; SGLang fills a prefill batch up to max_prefill_tokens; TensorRT-LLM
        // keeps its max_num_tokens. (A prompt longer than the budget still runs, alone, as each engine admits it.)
        bool chunked = first.ChunkedPrefill ?? (!vllmServer || vllm.Kind == SchedulerKind.ChunkedPrefill);
        int budget = first.MaxBatchedTokens ?? defaultBudget;
        if (!chunked && first.MaxBatchedTokens is null && engine != ServingEngine.TensorRtLlm)
        {
            budget = sglang ? SglangServerDefaults.MaxPrefillTokens : Math.Max(budget, first.MaxModelLength ?? model.MaxContext);
        }

        SchedulerOptions defaults = SchedulerOptions.For(engine, first.EngineVersion);
        var scheduler = defaults with
        {
            // Chunked prefill is on by default (the engine's own way); off, SGLang and vLLM's V0 engine prefill whole prompts
            // first, vLLM V1 beside the decodes.
            Kind = chunked ? defaults.Kind : (sglang || vllm.Kind == SchedulerKind.Continuous ? SchedulerKind.Continuous : SchedulerKind.WholePrompts),
            PrefixCaching = first.PrefixCaching ?? (!vllmServer || vllm.PrefixCaching),
            MaxSequences = (first.MaxSequences ?? defaultSequences) * LimitRanks(deployment, sglang),
            MaxBatchedTokens = budget * LimitRanks(deployment, sglang),
            AsyncScheduling = first.AsyncScheduling ?? defaults.AsyncScheduling,
            ReceiveInterval = first.ReceiveInterval ?? defaults.ReceiveInterval,
            KvAdmission = first.KvAdmission ?? defaults.KvAdmission,
            Policy = first.SchedulingPolicy ?? defaults.Policy,
        };
        // What the engine's start-up takes at these batch limits (for vLLM, as the row's release does) decides the KV cache.
        deployment = deployment.WithEngineRuntime(scheduler.MaxSequences, scheduler.MaxBatchedTokens).Validated();
        Profile? profile = Profile.Named(first.LikelyProfile.Length > 0 ? first.LikelyProfile : first.Workload);
        var (arrival, requests, concurrency) = ArrivalOf(first);

        IReadOnlyList<LoadStage> stages = arrival == ReplayArrival.Staged ? ScheduleOf(rows, first, profile, assumptions) : [new LoadStage(first.Rate is > 0 and double r && double.IsFinite(r) ? r : 1, first.DurationSeconds ?? 1)];
        int prompt = first.InputTokens is double input
            ? (int)Math.Round(input)
            : profile is { } p ? Assume(assumptions, p.SystemTokens + p.QuestionTokens + ChatTemplateTokens, $"prompt of {p.SystemTokens} + {p.QuestionTokens} tokens plus a {ChatTemplateTokens}-token chat template (input length not published)")
            : throw new ArgumentException("the input length was not published and no workload profile is known");
        int scoredOutput = first.OutputTokens is double o ? (int)Math.Round(o) : throw new ArgumentException("the output length was not published");
        int output = scoredOutput;
        if (profile is { } configured && first.OutputSource.StartsWith("measured", StringComparison.OrdinalIgnoreCase) && scoredOutput < 0.9 * configured.OutputTokens)
        {
            // With ignore_eos the server generates exactly the configured count; a lower count is the client's tokenizer.
            output = Assume(corrections, configured.OutputTokens, $"{configured.OutputTokens} output tokens generated as configured ({scoredOutput} counted by the client)");
        }

        long cacheTokens = (long)deployment.KvBlocks * deployment.KvBlockTokens;
        long longest = first.Lengths?.Longest ?? prompt + (long)output;
        if (model.SlidingWindowLayers == 0 && longest > cacheTokens)
        {
            // vLLM refuses to start when its KV cache cannot hold one sequence of max_model_len tokens.
            string why = engine == ServingEngine.Vllm
                ? string.Create(CultureInfo.InvariantCulture, $" after vLLM's start-up profile ({VllmMemoryProfile.ForVersion(deployment.EngineVersion).Name}) takes {deployment.RuntimeBytesPerAccelerator / 1073741824.0:0.00} GiB an accelerator at {scheduler.MaxSequences} sequences and {scheduler.MaxBatchedTokens} tokens")
                : string.Empty;
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"a sequence of {(first.Lengths is null ? $"{prompt} + {output}" : $"{longest}")} tokens does not fit the KV cache of {cacheTokens} tokens ({deployment.KvCapacityBytes / 1073741824.0:0.00} GiB){why}; the server must have run with other limits (max_num_seqs, gpu_mem_util): give them in the row"));
        }

        if (longest > deployment.ContextLimit)
        {
            // The measured server took these requests (a longer max_model_len or max_seq_len than the model's context): so does the replay.
            corrections.Add(string.Create(CultureInfo.InvariantCulture,
                $"max_model_len {longest:N0}, the longest request the server took ({(first.MaxModelLength is int given ? $"the row gives {given:N0}" : $"{model.Id}'s context is {model.MaxContext:N0}")})"));
            deployment = deployment with { MaxModelLength = (int)Math.Min(longest, int.MaxValue) };
        }

        var (prefill, split) = first.PrefillReplicas > 0
            ? PrefillPool(first, model, deployment, scheduler, first.MaxSequences ?? defaultSequences, budget, sglang, corrections)
            : (null, null);

        int system = SystemPromptTokens(first) ?? profile?.SystemTokens ?? 0;
        var (systemPrompts, users) = PromptCounts(first) ?? (profile is { } known ? (known.SystemPrompts, known.UsersPerPrompt) : (0, 0));
        if (first.CpuKvOffloadGib is double offloadGib)
        {
            scheduler = WithCpuKvOffload(scheduler, chip, offloadGib, assumptions, corrections);
        }

        return new ReplayCase
        {
            Experiment = first.Experiment,
            Rows = rows,
            Deployment = deployment,
            Scheduler = scheduler,
            Replicas = first.DataParallel,
            Prefill = prefill,
            Disaggregation = split,
            Stages = stages,
            Arrival = arrival,
            InProcessSubmission = first.InProcess,
            ClientTimeoutSeconds = first.ClientTimeoutSeconds
                ?? (arrival == ReplayArrival.Staged ? InferencePerfTimeoutSeconds : VllmBenchTimeoutSeconds),
            Burstiness = first.Burstiness ?? 1,
            Requests = requests,
            Concurrency = concurrency,
            ClientConcurrencyCap = arrival is ReplayArrival.Gamma or ReplayArrival.Staged && first.ConcurrencyCap is >= 1 and double cap ? (int)Math.Min(cap, int.MaxValue) : 0,
            RampSeconds = arrival == ReplayArrival.ClosedLoop ? first.RampSeconds ?? 0 : 0,
            PromptTokens = prompt,
            OutputTokens = output,
            ScoredOutputTokens = scoredOutput,
            Lengths = first.Lengths,
            Classes = first.Classes,
            Prompts = new PromptSet(systemPrompts, users, system),
            Assumptions = assumptions,
            Corrections = corrections,
            Calibration = calibration,
            CalibrationWarning = warning,
            V0InProcessHostCosts = v0InProcess,
        };
    }

    /// <summary>
    /// The release's defaults a row took: the whole note when it gives none of the four limits, else only those it leaves
    /// out, so a row that sets its own token budget is not told it ran with the release's.
    /// </summary>
    private static string ReleaseDefaultsLeftOut(MeasuredRun row, VllmServerDefaults vllm, string note)
    {
        var leftOut = new List<string>();
        if (row.MaxSequences is null)
        {
            leftOut.Add(string.Create(CultureInfo.InvariantCulture, $"max_num_seqs {vllm.MaxSequences:N0}"));
        }

        if (row.MaxBatchedTokens is null)
        {
            leftOut.Add(string.Create(CultureInfo.InvariantCulture, $"max_num_batched_tokens {vllm.MaxBatchedTokens:N0}"));
        }

        if (row.ChunkedPrefill is null)
        {
            leftOut.Add(vllm.Kind == SchedulerKind.ChunkedPrefill ? "chunked prefill" : "whole prompts in prefill-only steps");
        }

        if (row.PrefixCaching is null)
        {
            leftOut.Add(vllm.PrefixCaching ? "prefix caching" : "no prefix caching");
        }

        if (leftOut.Count == 4)
        {
            return note;
        }

        int colon = note.IndexOf(':', StringComparison.Ordinal);
        string release = colon > 0 ? note[..colon] : note;
        return $"{release} for what the row leaves out: {string.Join(", ", leftOut)}";
    }

    /// <summary>
    /// How the run's requests sampled: as the row says, else as the server treats a request that sets no sampling
    /// parameters — vLLM from 0.8 on applies the checkpoint's generation_config.json (<see cref="SamplingDefaults"/>),
    /// earlier releases and other engines sample at temperature 1 without a filter. Filled-in choices are noted.
    /// </summary>
    private static SamplingMode SamplingOf(MeasuredRun row, ServingEngine engine, List<string> corrections)
    {
        string asked = row.Sampling.Trim().ToLowerInvariant();
        if (asked.Length > 0 && asked != "model-default")
        {
            return Files.DeploymentSection.Samplings.TryGetValue(asked, out SamplingMode? mode) && mode is { } named ? named
                : throw new ArgumentException($"sampling '{row.Sampling}' is not one of {string.Join(", ", Files.DeploymentSection.Samplings.Keys)}");
        }

        if (engine != ServingEngine.Vllm || !AppliesGenerationConfig(row.EngineVersion))
        {
            return SamplingMode.Random;
        }

        if (!SamplingDefaults.TryGet(row.Model, out SamplingMode fromModel, out string settings, out _))
        {
            corrections.Add($"sampling: no generation_config.json of {row.Model} recorded, so its requests sample without top-p or top-k");
            return SamplingMode.Random;
        }

        if (fromModel == SamplingMode.Filtered)
        {
            corrections.Add($"sampling: {settings}, the checkpoint's generation_config.json (the client sets none)");
        }

        return fromModel;
    }

    /// <summary>
    /// How the server filtered, when the requests filter: as the row says, else the engine release's default (FlashInfer's
    /// sort-free kernel on SGLang and on vLLM from 0.22); a vLLM row that names no release ranks, and says so.
    /// </summary>
    private static SamplerKernel SamplerKernelOf(MeasuredRun row, ServingEngine engine, SamplingMode sampling, List<string> corrections)
    {
        string asked = row.SamplerKernel.Trim().ToLowerInvariant();
        if (asked.Length > 0)
        {
            return Files.DeploymentSection.SamplerKernelNames.TryGetValue(asked, out SamplerKernel named) ? named
                : throw new ArgumentException($"sampler_kernel '{row.SamplerKernel}' is not one of {string.Join(", ", Files.DeploymentSection.SamplerKernelNames.Keys)}");
        }

        SamplerKernel kernel = SamplerKernels.DefaultFor(engine, row.EngineVersion, out bool guessed);
        if (sampling == SamplingMode.Filtered && guessed)
        {
            corrections.Add($"sampler: no vLLM release given, so the filter ranks the vocabulary as releases before {SamplerKernels.FirstSortFreeVllm} do (not FlashInfer's sort-free kernel)");
        }

        return kernel;
    }

    /// <summary>vLLM applies a checkpoint's generation_config.json by default from 0.8 (vllm-project/vllm#12622); an unstated release is taken as a current one.</summary>
    private static bool AppliesGenerationConfig(string version) =>
        !EngineRelease.TryParse(version, out EngineRelease release) || release.AtLeast(0, 8);

    /// <summary>Host memory assumed for CPU KV offloading when a row says it was on without a size, GiB.</summary>
    internal const double AssumedCpuKvOffloadGib = 64;

    /// <summary>
    /// vLLM's CPU KV offloading as the replica's host tier: prefix blocks the GPU cache lets go are kept in host memory and
    /// copied back over the host link on a hit, instead of being prefilled again. It works through the prefix cache, so
    /// with prefix caching off it is left out (and the run says so).
    /// </summary>
    private static SchedulerOptions WithCpuKvOffload(SchedulerOptions scheduler, AcceleratorSpec chip, double gib, List<string> assumptions, List<string> corrections)
    {
        if (!scheduler.PrefixCaching)
        {
            corrections.Add("CPU KV offload left out: it keeps the blocks the prefix cache evicts, and prefix caching is off");
            return scheduler;
        }

        if (chip.HostLinkGBps is not > 0)
        {
            corrections.Add($"CPU KV offload left out: {chip.Id} has no host link bandwidth in the catalog");
            return scheduler;
        }

        double size = gib > 0 ? gib : Assume(assumptions, AssumedCpuKvOffloadGib, $"CPU KV offload of {AssumedCpuKvOffloadGib:0} GiB (on, size not published)");
        return scheduler with { HostKvBytes = size * 1073741824.0 };
    }

    private static IReadOnlyList<LoadStage> ScheduleOf(IReadOnlyList<MeasuredRun> rows, MeasuredRun whole, Profile? profile, List<string> assumptions)
    {
        var parsed = ParseSchedule(whole.StageSchedule);
        if (parsed.Count > 0)
        {
            return parsed;
        }

        var staged = rows.Where(r => !r.IsWholeRun && r.Rate is > 0).OrderBy(r => r.Stage, StringComparer.Ordinal).ToList();
        if (staged.Count > 0 && staged.All(r => r.DurationSeconds is > 0))
        {
            return staged.Select(r => new LoadStage(r.Rate!.Value, r.DurationSeconds!.Value)).ToList();
        }

        // Each stage's rate published without its duration: the rates are the rows' own, the durations the named
        // profile's, or 600 s each without one (said either way). A profile with another number of stages says a stage
        // row is missing (left out for a bad cell, say), so its whole schedule stands instead.
        if (staged.Count > 0 && staged.Count == rows.Count(r => !r.IsWholeRun) && (profile is null || profile.Stages.Count == staged.Count))
        {
            assumptions.Add(profile is null
                ? "600 s a stage (durations not published; the stages' rates are the rows' own)"
                : $"the {profile.Name} profile's stage durations ({string.Join(", ", profile.Stages.Select(st => $"{st.DurationSeconds:0} s"))}; the stages' rates are the rows' own)");
            return staged.Select((r, i) => new LoadStage(r.Rate!.Value, r.DurationSeconds is > 0 and double d ? d : profile?.Stages[i].DurationSeconds ?? 600)).ToList();
        }

        if (whole.Rate is > 0 and double rate)
        {
            double seconds = whole.DurationSeconds ?? Assume(assumptions, 600.0, "a 600 s run (duration not published)");
            return [new LoadStage(rate, seconds)];
        }

        if (profile is { } p)
        {
            assumptions.Add($"the {p.Name} profile's schedule ({string.Join("; ", p.Stages.Select(s => $"{s.RatePerSecond:0.##} rps x {s.DurationSeconds:0} s"))}; {p.Basis})");
            return p.Stages;
        }

        throw new ArgumentException("the request rate was not published and no workload profile is known");
    }

    private static (ReplayArrival Arrival, long Requests, int Concurrency) ArrivalOf(MeasuredRun run)
    {
        string kind = run.Arrival.ToLowerInvariant();
        if (kind is "" or "constant")
        {
            return (ReplayArrival.Staged, 0, 0);
        }

        long requests = run.Requests is > 0 and int n ? n
            : throw new ArgumentException($"a {kind} run needs its request count (n_requests)");
        return kind switch
        {
            "poisson" or "gamma" when run.Rate is > 0 and double rate && double.IsFinite(rate) => (ReplayArrival.Gamma, requests, 0),
            "poisson" or "gamma" or "offline" => (ReplayArrival.AllAtOnce, requests, (int)Math.Min(requests, int.MaxValue)),
            "concurrency" when run.Rate is >= 1 and double users => (ReplayArrival.ClosedLoop, requests, (int)users),
            "trace" when run.Lengths is RequestLengths.Traced => (ReplayArrival.Trace, requests, 0),
            _ => throw new ArgumentException($"arrival '{run.Arrival}' is not one of constant, poisson, gamma, concurrency, offline, trace (or lacks its rate or its requests)"),
        };
    }

    /// <summary>Parses "5 rps x 600 s; 10 rps x 600 s".</summary>
    public static IReadOnlyList<LoadStage> ParseSchedule(string text)
    {
        var stages = new List<LoadStage>();
        foreach (Match m in ScheduleStage().Matches(text))
        {
            stages.Add(new LoadStage(
                double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture),
                double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)));
        }

        return stages;
    }

    private static int? SystemPromptTokens(MeasuredRun row)
    {
        Match m = SystemPrompt().Match(row.InputDistribution);
        return m.Success ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    private static (int SystemPrompts, int Users)? PromptCounts(MeasuredRun row)
    {
        Match m = PromptSetText().Match(row.InputDistribution);
        return m.Success ? (int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)) : null;
    }

    /// <summary>The run's speculative decoding as the step model takes it; the draft model from the catalog.</summary>
    private static SpeculativeDecoding? SpeculationOf(MeasuredRun run, SimCatalog catalog)
    {
        if (run.Speculation is not { } s)
        {
            return null;
        }

        ModelSpec? draft = null;
        if (s.DraftModel.Length > 0 && !catalog.Models.TryResolve(s.DraftModel, out draft))
        {
            throw new ArgumentException($"speculative_draft_model '{s.DraftModel}' is not in the catalog{ClosestName.Hint(s.DraftModel, catalog.Models.Ids)}");
        }

        return new SpeculativeDecoding { Method = s.Method, Tokens = s.Tokens, Acceptance = s.Acceptance, DraftModel = draft };
    }

    /// <summary>vLLM's <c>kv_cache_dtype</c>: auto keeps the 16-bit activations' type, the fp8 variants store 8 bits.</summary>
    private static Precision KvCacheFormat(string dtype) => dtype.Trim().ToLowerInvariant() switch
    {
        "" or "auto" or "bfloat16" or "float16" or "half" => Precision.BF16,
        "fp8" or "fp8_e4m3" or "fp8_e5m2" => Precision.FP8,
        string other => throw new ArgumentException($"kv_cache_dtype '{other}' is not one of auto, fp8, fp8_e4m3, fp8_e5m2"),
    };

    private static T Assume<T>(List<string> assumptions, T value, string what)
    {
        assumptions.Add(what);
        return value;
    }

    [GeneratedRegex(@"([0-9.]+)\s*rps\s*x\s*([0-9.]+)\s*s")]
    private static partial Regex ScheduleStage();

    [GeneratedRegex(@"([0-9]+)\s*system prompts\s*x\s*([0-9]+)\s*users?")]
    private static partial Regex PromptSetText();

    [GeneratedRegex(@"system prompt\s+([0-9]+)")]
    private static partial Regex SystemPrompt();
}
