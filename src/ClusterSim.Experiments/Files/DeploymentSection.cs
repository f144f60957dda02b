using System.Globalization;
using ClusterSim.Core.Catalog;
using ClusterSim.Core.Inference;
using ClusterSim.Core.Performance;
using YamlDotNet.RepresentationModel;

namespace ClusterSim.Experiments.Files;

/// <summary>
/// Binds one replica's shape wherever it is written (<c>serving:</c>, or a deployment of a <c>cluster:</c>): model,
/// hardware, parallelism, precisions, memory reserve, its batch scheduler, MoE placement and calibrated efficiency.
/// </summary>
internal static class DeploymentSection
{
    /// <summary>The keys this binder reads; a caller adds its own and validates the mapping with all of them.</summary>
    public static readonly string[] Keys = ["model", "hardware", "tensor_parallel", "pipeline_parallel", "weights", "head_weights", "dense_weights", "weight_bits", "kv_cache", "memory_reserve", "scheduler", "efficiency", "moe", "engine", "engine_version", "speculative", "sampling", "sampler_kernel", "attention", "custom_all_reduce", "multi_step", "max_model_len"];

    /// <summary>How the tensor-parallel group shares attention, by the names an experiment file uses.</summary>
    public static readonly Dictionary<string, AttentionLayout> AttentionLayouts = new()
    {
        ["tensor-parallel"] = AttentionLayout.TensorParallel,
        ["data-parallel"] = AttentionLayout.DataParallel,
        ["data-parallel-balanced"] = AttentionLayout.BalancedDataParallel,
    };

    /// <summary>The name an experiment file gives <paramref name="layout"/>.</summary>
    public static string AttentionLayoutName(AttentionLayout layout) => AttentionLayouts.First(p => p.Value == layout).Key;

    /// <summary>Batch schedulers by the names an experiment file uses.</summary>
    public static readonly Dictionary<string, SchedulerKind> Schedulers = new()
    {
        ["continuous"] = SchedulerKind.Continuous,
        ["chunked-prefill"] = SchedulerKind.ChunkedPrefill,
        ["static"] = SchedulerKind.Static,
        ["whole-prompts"] = SchedulerKind.WholePrompts,
        ["prefill-first"] = SchedulerKind.PrefillFirst,
    };

    /// <summary>Serving engines by the names an experiment file uses.</summary>
    public static readonly Dictionary<string, ServingEngine> Engines = new()
    {
        ["vllm"] = ServingEngine.Vllm,
        ["tensorrt-llm"] = ServingEngine.TensorRtLlm,
        ["sglang"] = ServingEngine.Sglang,
    };

    /// <summary>True when the serving section's <c>efficiency</c> mapping sets <paramref name="key"/> itself (not from the calibration).</summary>
    private static bool EfficiencyGiven(YamlMappingNode? serving, string key) =>
        YamlReader.Child(YamlReader.Child(serving, "efficiency") as YamlMappingNode, key) is not null;

    /// <summary>The name an experiment file uses for <paramref name="engine"/> (<c>tensorrt-llm</c>).</summary>
    public static string EngineName(ServingEngine engine) => Engines.First(e => e.Value == engine).Key;

    /// <summary>A replica shape as one flow mapping a resolved experiment can load again (its calibration is the catalog's, named by the caller).</summary>
    public static string Inline(ServingDeployment d, SchedulerOptions s, bool withHardware = true)
    {
        string F(double v) => ResolvedSections.F(v);
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{{ model: {d.Model.Id}, {(withHardware ? $"hardware: {d.Accelerator.Id}, " : string.Empty)}engine: {EngineName(d.Engine)}, tensor_parallel: {d.TensorParallel}, {(d.AttentionDataParallel ? $"attention: {AttentionLayoutName(d.Attention)}, " : string.Empty)}pipeline_parallel: {d.PipelineParallel}, weights: {d.Weights.ToString().ToLowerInvariant()}, {(d.HeadWeights is { } head ? $"head_weights: {head.ToString().ToLowerInvariant()}, " : string.Empty)}{(d.DenseWeights is { } dense ? $"dense_weights: {dense.ToString().ToLowerInvariant()}, " : string.Empty)}{(d.WeightBits is { } bits ? $"weight_bits: {F(bits)}, " : string.Empty)}kv_cache: {d.KvCache.ToString().ToLowerInvariant()}, memory_reserve: {F(d.MemoryReserve)}, max_model_len: {d.ContextLimit}, "
            + $"scheduler: {{ kind: {Schedulers.First(x => x.Value == s.Kind).Key}, max_sequences: {s.MaxSequences}, max_batched_tokens: {s.MaxBatchedTokens}, kv_admission: {KvAdmissions.First(a => a.Value == s.KvAdmission).Key}, async_scheduling: {(s.AsyncScheduling ? "true" : "false")}{(s.ReceiveInterval > 1 ? $", recv_interval: {s.ReceiveInterval}" : string.Empty)} }} }}");
    }

    /// <summary>How requests sample, by the names an experiment file uses; <c>model-default</c> reads the checkpoint's (<see cref="SamplingDefaults"/>).</summary>
    public static readonly Dictionary<string, SamplingMode?> Samplings = new()
    {
        ["temperature"] = SamplingMode.Random,
        ["greedy"] = SamplingMode.Greedy,
        ["top-p"] = SamplingMode.Filtered,
        ["top-k"] = SamplingMode.Filtered,
        ["model-default"] = null,
    };

    /// <summary>Sampler kernels by the names an experiment file uses (<c>ranking</c>: vLLM's sort or Triton path; <c>flashinfer</c>: sort-free).</summary>
    public static readonly Dictionary<string, SamplerKernel> SamplerKernelNames = new()
    {
        ["ranking"] = SamplerKernel.Ranking,
        ["flashinfer"] = SamplerKernel.SortFree,
    };

    /// <summary>The name an experiment file uses for <paramref name="kernel"/>.</summary>
    public static string SamplerKernelName(SamplerKernel kernel) => kernel == SamplerKernel.SortFree ? "flashinfer" : "ranking";

    /// <summary>The name an experiment file uses for <paramref name="mode"/>.</summary>
    public static string SamplingName(SamplingMode mode) => mode switch
    {
        SamplingMode.Greedy => "greedy",
        SamplingMode.Filtered => "top-p",
        _ => "temperature",
    };

    /// <summary>KV admission policies by the names an experiment file uses.</summary>
    public static readonly Dictionary<string, KvAdmissionPolicy> KvAdmissions = new()
    {
        ["grow"] = KvAdmissionPolicy.Grow,
        ["reserve"] = KvAdmissionPolicy.Reserve,
    };

    /// <summary>Weight and KV-cache precisions by the names an experiment file uses (FP4 weights run as 4-bit).</summary>
    public static readonly Dictionary<string, Precision> Precisions = new()
    {
        ["bf16"] = Precision.BF16,
        ["fp8"] = Precision.FP8,
        ["int8"] = Precision.INT8,
        ["int4"] = Precision.INT4,
        ["fp4"] = Precision.INT4,
    };

    /// <summary>The embedding tables' and the non-expert layers' precisions by the same names; absent takes <see cref="ServingDeployment.HeadFormat"/>'s and <see cref="ServingDeployment.DenseFormat"/>'s conventions.</summary>
    private static readonly Dictionary<string, Precision?> PartPrecisions = Precisions.ToDictionary(p => p.Key, p => (Precision?)p.Value);

    /// <summary>
    /// The deployment at <paramref name="path"/> (null when a reference or a value is wrong; the reader holds the problem)
    /// and its scheduler. Each accelerator's calibration, or the warning for an uncalibrated one, goes to <paramref name="calibrations"/>.
    /// </summary>
    /// <remarks>A cluster's placement names its hardware by its pool (<paramref name="chip"/>) and may inherit its deployment's model.</remarks>
    public static (ServingDeployment? Deployment, SchedulerOptions Scheduler) Read(
        YamlReader r, YamlMappingNode? node, string path, SimCatalog catalog, SortedSet<string> calibrations, AcceleratorSpec? chip = null, string? defaultModel = null)
    {
        string modelId = r.Text(node, "model", path, fallback: defaultModel, required: defaultModel is null) ?? defaultModel ?? string.Empty;
        string hardwareId = chip is null ? r.Text(node, "hardware", path, required: true) ?? string.Empty : chip.Id;
        ModelSpec? model = null;
        if (modelId.Length > 0 && !catalog.Models.TryResolve(modelId, out model))
        {
            r.Problem(YamlReader.Child(node, "model"), $"{path}.model", $"unknown model '{modelId}'{ClosestName.Hint(modelId, catalog.Models.Ids)}");
        }

        if (chip is null && hardwareId.Length > 0 && !catalog.Hardware.TryResolve(hardwareId, out chip))
        {
            r.Problem(YamlReader.Child(node, "hardware"), $"{path}.hardware", $"unknown hardware '{hardwareId}'{ClosestName.Hint(hardwareId, catalog.Hardware.Ids)}");
        }

        ServingEngine engine = r.Choice(node, "engine", path, ServingEngine.Vllm, Engines);
        string engineVersion = r.Text(node, "engine_version", path) ?? string.Empty;
        try
        {
            _ = VllmMemoryProfile.ForVersion(engineVersion);
        }
        catch (ArgumentException e)
        {
            r.Problem(YamlReader.Child(node, "engine_version"), $"{path}.engine_version", e.Message);
            engineVersion = string.Empty;   // reported; the rest of the file is still checked
        }

        SamplingMode? asked = r.Choice(node, "sampling", path, SamplingMode.Random, Samplings);
        SamplingMode sampling = asked ?? SamplingMode.Random;
        if (asked is null && !SamplingDefaults.TryGet(modelId, out sampling, out _, out _))
        {
            // Not silent: the file asked for the checkpoint's own sampling, which is not recorded.
            calibrations.Add($"warning: {modelId}: {path}.sampling is model-default, and no generation_config.json of '{modelId}' is recorded (a Hugging Face checkpoint name is looked up; `clustersim catalog sampling` lists the recorded ones); its requests sample at a temperature without top-p or top-k, which costs the sampler nothing. Set {path}.sampling to top-p, top-k, greedy or temperature");
        }

        SamplerKernel kernel = r.Choice(node, "sampler_kernel", path, SamplerKernels.DefaultFor(engine, engineVersion, out bool guessedKernel), SamplerKernelNames);
        if (guessedKernel && sampling == SamplingMode.Filtered && YamlReader.Child(node, "sampler_kernel") is null)
        {
            // Not silent: the filter's cost depends on the release, which the file does not give.
            calibrations.Add($"warning: {modelId}: requests filter by top-p or top-k and {path}.engine_version is not given, so vLLM's sampler ranks the vocabulary as releases before {SamplerKernels.FirstSortFreeVllm} do; from {SamplerKernels.FirstSortFreeVllm} on it samples with FlashInfer's sort-free kernel, about {SamplerKernels.SortFreeShare:0.##} of that cost. Set {path}.engine_version, or {path}.sampler_kernel to ranking or flashinfer");
        }

        int multiStep = r.Integer(node, "multi_step", path, 1, 1, VllmMultiStep.MaxSteps);
        if (multiStep > 1 && engine != ServingEngine.Vllm)
        {
            r.Problem(YamlReader.Child(node, "multi_step"), $"{path}.multi_step", $"multi_step is vLLM's --num-scheduler-steps (its V0 engine); {EngineName(engine)} schedules every step: remove it or set engine: vllm");
            multiStep = 1;
        }
        else if (multiStep > 1 && !EngineRelease.Before(engineVersion, VllmMultiStep.FirstV1Default))
        {
            // Not silent: the release named (or the newest, when none is) runs V1 by default, which has no multi-step scheduling.
            calibrations.Add($"warning: {path}.multi_step {multiStep}: only vLLM's V0 engine schedules several decode steps at once (--num-scheduler-steps), and V0 is the default only before {VllmMultiStep.FirstV1Default.Major}.{VllmMultiStep.FirstV1Default.Minor}; {(engineVersion.Length > 0 ? $"release {engineVersion} runs V1 by default" : $"{path}.engine_version is not given, so the newest release (V1) is assumed")}. The steps are timed as V0 ran them; set {path}.engine_version to the V0 release measured");
        }

        if (VllmV0InProcess.Unmeasured(engine, engineVersion, VllmEntryPoint.Server, multiStep))
        {
            // Not silent: the overheads a V0 server pays are not the V1 ones the calibration holds.
            calibrations.Add($"warning: {modelId}: {path}.engine_version {engineVersion}: {VllmV0InProcess.UnmeasuredNote(engineVersion)}. Set {path}.efficiency.overhead_ms and sequence_overhead_us to the host's");
        }

        SchedulerOptions scheduler = ReadScheduler(r, node, $"{path}.scheduler", chip, engine, engineVersion);
        if (model is null || chip is null)
        {
            return (null, scheduler);
        }

        int tensorParallel = r.Integer(node, "tensor_parallel", path, 1, 1, 1024);
        int pipelineParallel = r.Integer(node, "pipeline_parallel", path, 1, 1, 1024);
        double defaultReserve = ServingDeployment.EngineMemoryReserve(engine, chip, tensorParallel, pipelineParallel, scheduler.MaxBatchedTokens);
        var deployment = new ServingDeployment
        {
            Model = model,
            Accelerator = chip,
            TensorParallel = tensorParallel,
            PipelineParallel = pipelineParallel,
            Attention = r.Choice(node, "attention", path, AttentionLayout.TensorParallel, AttentionLayouts),
            Weights = r.Choice(node, "weights", path, Precision.BF16, Precisions),
            HeadWeights = r.Choice(node, "head_weights", path, null, PartPrecisions),
            DenseWeights = r.Choice(node, "dense_weights", path, null, PartPrecisions),
            WeightBits = YamlReader.Child(node, "weight_bits") is null ? null : r.Number(node, "weight_bits", path, 16, CheckpointConventions.MinWeightBits, CheckpointConventions.MaxWeightBits),
            KvCache = r.Choice(node, "kv_cache", path, Precision.BF16, Precisions),
            MemoryReserve = r.Number(node, "memory_reserve", path, defaultReserve, 0, 0.95),
            MoeRouting = MoeSection.Read(r, node, model, $"{path}.moe"),
            Engine = engine,
            EngineVersion = engineVersion,
            CustomAllReduce = r.Flag(node, "custom_all_reduce", path, true),
            MultiStep = multiStep,
            Speculative = SpeculativeSection.Read(r, node, model, catalog, $"{path}.speculative"),
            Sampling = sampling,
            SamplerKernel = kernel,
            MaxModelLength = r.Integer(node, "max_model_len", path, 0, 0, 100_000_000),
        }.WithEngineRuntime(scheduler.MaxSequences, scheduler.MaxBatchedTokens);
        if (deployment.MaxModelLength > model.MaxContext)
        {
            // Not silent: past the context the model was trained for, which the engines refuse unless told to allow it.
            calibrations.Add(string.Create(CultureInfo.InvariantCulture, $"warning: {model.Id}: {path}.max_model_len {deployment.MaxModelLength:N0} is beyond its {model.MaxContext:N0}-token context (vLLM starts so only with VLLM_ALLOW_LONG_MAX_MODEL_LEN=1); requests up to it are served as if the model held them"));
        }

        if (deployment.VllmStartUpRefusal is { } refusal)
        {
            // Not silent: the deployment as written would not start; what runs is the server that would.
            calibrations.Add($"warning: {chip.Id}: {refusal}; set {path}.max_model_len");
        }

        if (engine == ServingEngine.Sglang && YamlReader.Child(YamlReader.Child(node, "scheduler") as YamlMappingNode, "max_sequences") is null)
        {
            // SGLang caps running requests by its request pool and its KV pool, as replay fills an unset limit.
            scheduler = scheduler with { MaxSequences = SglangServerDefaults.MaxRunningRequests(deployment, model.MaxContext) };
        }

        try
        {
            (deployment, string? warning) = EfficiencySection.Apply(r, node!, deployment, catalog.Calibrations, $"{path}.efficiency");
            calibrations.Add(warning is null ? $"{chip.Id} {deployment.ComputePrecision}: {deployment.CalibrationName}" : $"warning: {chip.Id}: {warning}");

            if (deployment.Sampling == SamplingMode.Filtered && deployment.Efficiency.SamplerCyclesPerEntry == 0)
            {
                // Not silent: filtered sampling timed as free on a calibration that never measured it.
                calibrations.Add($"warning: {chip.Id}: requests filter by top-p or top-k, and calibration {deployment.CalibrationName} has no measured sampler cost (sampler_sm_cycles_per_entry), so ranking {model.Id}'s {model.Vocab:N0}-token vocabulary costs nothing; set {path}.efficiency.sampler_sm_cycles_per_entry");
            }
            else if (deployment.Sampling == SamplingMode.Filtered && chip.SmGhz is null)
            {
                // Not silent: the sampler's speed on a part whose SMs the catalog does not give.
                calibrations.Add($"warning: {chip.Id}: requests filter by top-p or top-k, and the catalog gives no SM figure (sm_ghz) for {chip.Id}, so its sampler is taken to run as fast as an H100's; give sm_ghz in a hardware CSV");
            }

            if (DecodeAttentionBlocks.Untimed(deployment))
            {
                // Not silent: the release walks each context in one block a head, which a chip without SM figures cannot time.
                calibrations.Add($"warning: {chip.Id}: TensorRT-LLM {deployment.EngineVersion} walks each sequence's context in one thread block a head (multi-block mode off before 0.12), but the catalog gives no SM count and clock (sms, sm_ghz) for {chip.Id}, so decode attention is timed at the memory's rate alone, fast for small batches at long contexts; give them in a hardware CSV");
            }

            if (deployment.Engine == ServingEngine.TensorRtLlm && deployment.Efficiency.RequestOverheadSeconds == 0
                && !EfficiencyGiven(node, "request_overhead_ms"))
            {
                // Not silent: TensorRT-LLM's rows were fitted on offline benchmarks, which have no front end to charge.
                calibrations.Add($"warning: {chip.Id}: calibration {deployment.CalibrationName} was fitted on offline benchmarks (trtllm-bench) and charges no front end, so each request reaches the engine the instant it is sent; a served TensorRT-LLM (trtllm-serve, NIM, Triton) spends time on every request's HTTP, tokenizing and streaming (NIM's 2024 runs fitted 2.9 ms; InferenceX's trtllm-serve runs of DeepSeek-R1 gave median first tokens 60-190 ms after the simulated ones). Set {path}.efficiency.request_overhead_ms");
            }

            if (deployment.AcrossDomainsNote is { } network)
            {
                calibrations.Add($"{(deployment.NetworkLatencyAssumed ? "warning: " : string.Empty)}{chip.Id}: {network}");
            }

            if (chip.TdpWatts is null)
            {
                calibrations.Add($"warning: {chip.Id}: no TDP in the catalog (tdp_w), so its energy is booked as 0 kWh; give it in a hardware CSV");
            }

            if (model.SlidingWindowLayers > 0)
            {
                // Not silent: how those layers are approximated.
                calibrations.Add($"warning: {model.Id}: {model.SlidingWindowLayers} of its {model.Layers} layers attend over a {model.SlidingWindow}-token window; their attention is bounded by min(summed contexts, sequences x window) and their KV by min(prompt + output, window) tokens a sequence, held from admission (an engine that grows them block by block fits a few more short sequences)");
            }

            if (deployment.AttentionDataParallel)
            {
                // Not silent: a layout no calibration was fitted under, and how its prompts are placed.
                calibrations.Add($"warning: {model.Id}: attention is data-parallel over the {deployment.TensorParallel} accelerators: each holds every attention weight and its own sequences' KV ({deployment.KvBlocks * (long)deployment.KvBlockTokens:N0} tokens in all), timed with {deployment.CalibrationName}'s terms, which were fitted under tensor parallelism; "
                    + (deployment.Attention == AttentionLayout.DataParallel
                        ? $"a prompt is one rank's work, at most {scheduler.MaxBatchedTokens / deployment.TensorParallel:N0} tokens a step, and the others wait for it"
                        : "each step's prompts are spread evenly over the ranks, as TensorRT-LLM's enable_balance does")
                    + " (docs/calibration.md, \"Attention data parallelism\": checked on InferenceX's and GPUStack's DeepSeek runs, colocated and disaggregated)");
            }

            if (model.HasLinearLayers)
            {
                // Not silent: how those layers are timed, from what, and what a prefix cache does for them.
                calibrations.Add($"warning: {model.Id}: {model.LinearLayers} of its {model.Layers} layers are recurrent (linear attention or Mamba-2): each sequence holds {deployment.LinearStateBytes / 1048576:F1} MiB of recurrent state from admission, read and written back every step at {deployment.Efficiency.StateUpdateFor:0.###} of the memory's bandwidth ({(deployment.Efficiency.StateUpdate > 0 ? "as set" : $"a quarter of the KV reads' {deployment.Efficiency.KvRead:0.###}, fitted on Nemotron 3 Nano's vLLM decode steps on B200; set {path}.efficiency.state_update")}), and a prompt's recurrence costs 6 FLOPs a state element a token at {deployment.Efficiency.ScanFor:0.####} of the BF16 peak ({(deployment.Efficiency.Scan > 0 ? "as set" : $"the chunked scan's share fitted on Megatron-Bridge's Nemotron 3 Nano training run on GB300; set {path}.efficiency.scan")}; docs/calibration.md, \"Hybrid models\")"
                    + (scheduler.PrefixCaching ? $"; {path}.scheduler.prefix_caching finds nothing for it: the state is not in the KV blocks a prefix hit reuses, so every prompt is prefilled whole, as vLLM does" : string.Empty));
            }

            if (deployment.ComputePrecision != deployment.Weights)
            {
                // Not silent: the run computes at another precision than the file asked for.
                calibrations.Add($"warning: {chip.Id}: {deployment.Weights} weights are computed in {deployment.ComputePrecision} ({chip.Id} has no {deployment.Weights} units); they stay {deployment.Weights} in memory");
                if (deployment.WidensExperts && deployment.Efficiency.DequantExpert == 1 && !EfficiencyGiven(node, "dequant_expert"))
                {
                    // Not silent: widened experts timed as if they were 16-bit ones, optimistic wherever the arithmetic decides.
                    calibrations.Add($"warning: {chip.Id}: {model.Id}'s {deployment.Weights.ToString().ToLowerInvariant()} experts are widened to {deployment.ComputePrecision.ToString().ToLowerInvariant()} inside the grouped GEMMs, and calibration {deployment.CalibrationName} has no measured expert_dequant_efficiency, so those GEMMs are timed at the 16-bit efficiency; prefill-heavy runs of gpt-oss measured 1.6x (A100) to 2.8x (H100) slower than that. Set {path}.efficiency.dequant_expert to silence this");
                }
            }

            return (deployment.Validated(), scheduler);
        }
        catch (ArgumentException e)
        {
            r.Problem(node, path, e.Message);
            return (null, scheduler);
        }
    }

    private static readonly string[] SchedulerKeys = ["kind", "max_sequences", "max_batched_tokens", "prefix_caching", "kv_offload_gib", "kv_admission", "async_scheduling", "policy", "recv_interval"];

    /// <summary>Scheduling policies by the names an experiment file uses (vLLM's <c>--scheduling-policy</c>).</summary>
    public static readonly Dictionary<string, SchedulingPolicy> Policies = new()
    {
        ["fcfs"] = SchedulingPolicy.Fcfs,
        ["priority"] = SchedulingPolicy.Priority,
    };

    private static SchedulerOptions ReadScheduler(YamlReader r, YamlMappingNode? parent, string path, AcceleratorSpec? chip, ServingEngine engine, string engineVersion)
    {
        YamlMappingNode? node = r.Mapping(YamlReader.Child(parent, "scheduler"), path, SchedulerKeys);
        SchedulerOptions defaults = SchedulerOptions.For(engine, engineVersion);
        if (engine == ServingEngine.Sglang && chip is not null)
        {
            // SGLang sizes its prefill chunk from the GPU's memory (its running-request cap from the KV pool: below).
            defaults = defaults with { MaxBatchedTokens = SglangServerDefaults.ChunkedPrefillTokens(chip) };
        }

        var options = new SchedulerOptions
        {
            Kind = r.Choice(node, "kind", path, defaults.Kind, Schedulers),
            MaxSequences = r.Integer(node, "max_sequences", path, defaults.MaxSequences, 1, 1_000_000),
            MaxBatchedTokens = r.Integer(node, "max_batched_tokens", path, defaults.MaxBatchedTokens, 1, int.MaxValue),   // a pre-0.11 TensorRT-LLM default is 2,048 x 131,072
            PrefixCaching = r.Flag(node, "prefix_caching", path, defaults.PrefixCaching),
            HostKvBytes = r.Number(node, "kv_offload_gib", path, defaults.HostKvBytes / 1073741824.0, 0, 1e6) * 1073741824.0,
            KvAdmission = r.Choice(node, "kv_admission", path, defaults.KvAdmission, KvAdmissions),
            AsyncScheduling = r.Flag(node, "async_scheduling", path, defaults.AsyncScheduling),
            Policy = r.Choice(node, "policy", path, defaults.Policy, Policies),
            ReceiveInterval = r.Integer(node, "recv_interval", path, defaults.ReceiveInterval, 1, 1_000_000),
        };
        if (options.ReceiveInterval > 1 && engine != ServingEngine.Sglang)
        {
            r.Problem(YamlReader.Child(node, "recv_interval"), $"{path}.recv_interval", $"is SGLang's --scheduler-recv-interval; engine {EngineName(engine)} reads new requests every step: set engine: sglang or leave it out");
        }

        if (options.HostKvBytes > 0 && !options.PrefixCaching)
        {
            r.Problem(YamlReader.Child(node, "kv_offload_gib"), $"{path}.kv_offload_gib", "keeps the blocks the prefix cache evicts: set prefix_caching: true");
        }

        if (options.HostKvBytes > 0 && chip is { HostLinkGBps: not > 0 })
        {
            r.Problem(YamlReader.Child(node, "kv_offload_gib"), $"{path}.kv_offload_gib", $"{chip.Id} has no host link bandwidth in the catalog (host_link_gb_s); give it in a hardware CSV");
        }

        return options;
    }
}
