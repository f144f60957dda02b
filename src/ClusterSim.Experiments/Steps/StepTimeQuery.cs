using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;
using ClusterSim.Experiments.Files;

namespace ClusterSim.Experiments.Steps;

/// <summary>
/// What to time, by the names a user types: a catalog model and accelerator, the parallelism and formats, the engine, and
/// the shapes (lists of prompt-chunk sizes and decoder counts, one context length). <see cref="Run"/> checks every field and
/// says which one is wrong and what it accepts.
/// </summary>
public sealed record StepTimeQuery
{
    public required string Model { get; init; }
    public required string Hardware { get; init; }
    public int TensorParallel { get; init; } = 1;

    /// <summary>How the tensor-parallel group shares attention: tensor-parallel, data-parallel or data-parallel-balanced (<see cref="ServingDeployment.Attention"/>).</summary>
    public string Attention { get; init; } = "tensor-parallel";

    public string Weights { get; init; } = "bf16";

    /// <summary>The KV cache's format; 16-bit when null, whatever the weights.</summary>
    public string? KvCache { get; init; }

    public string Engine { get; init; } = "vllm";

    /// <summary>The engine's release ("0.11.0"); it picks vLLM's start-up memory profile and its sampler kernel. Empty: a current release's profile, the ranking sampler.</summary>
    public string EngineVersion { get; init; } = string.Empty;

    /// <summary>How requests sample (temperature, greedy, top-p, top-k or model-default: the named checkpoint's).</summary>
    public string Sampling { get; init; } = "temperature";

    /// <summary>How the engine filters (ranking or flashinfer); the engine's default when null (SGLang: flashinfer; vLLM: ranking, its releases before 0.22).</summary>
    public string? SamplerKernel { get; init; }

    /// <summary>Comma-separated prompt-chunk sizes, tokens (0: decodes alone).</summary>
    public string PromptTokens { get; init; } = "0";

    /// <summary>Comma-separated counts of decoding sequences (0: the prompt chunk alone).</summary>
    public string Decoders { get; init; } = "1,8,32,128,256";

    /// <summary>Each decoding sequence's context, tokens.</summary>
    public int Context { get; init; } = 1024;

    /// <summary>The longest request the server takes (vLLM's --max-model-len); null: the model's context.</summary>
    public int? MaxModelLength { get; init; }

    /// <summary>Speculative decoding as <c>METHOD:TOKENS:ACCEPTANCE[:DRAFT_MODEL]</c> (<see cref="SpeculativeSpec"/>); none when null.</summary>
    public string? Speculative { get; init; }

    /// <summary>The breakdown; <see cref="ArgumentException"/> naming the field and what it accepts when one is wrong.</summary>
    public StepTimeBreakdown Run(SimCatalog catalog)
    {
        if (!catalog.Models.TryResolve(Model, out ModelSpec model))
        {
            throw new ArgumentException($"model: unknown model '{Model}'{ClosestName.Hint(Model, catalog.Models.Ids)}");
        }

        if (!catalog.Hardware.TryResolve(Hardware, out AcceleratorSpec accelerator))
        {
            throw new ArgumentException($"hardware: unknown accelerator '{Hardware}'{ClosestName.Hint(Hardware, catalog.Hardware.Ids)}");
        }

        Precision weights = Choice("--weights", Weights, DeploymentSection.Precisions);
        // Without --kv-cache the cache keeps 16 bits whatever the weights, as an experiment file and a replayed run take it
        // (vLLM's and SGLang's kv_cache_dtype auto): quantised weights do not quantise the cache.
        Precision kv = KvCache is null ? Precision.BF16 : Choice("--kv-cache", KvCache, DeploymentSection.Precisions);
        ServingEngine engine = Choice("--engine", Engine, DeploymentSection.Engines);
        SamplingMode sampling = Choice("--sampling", Sampling, DeploymentSection.Samplings) is { } named ? named
            : SamplingDefaults.TryGet(Model, out SamplingMode fromModel, out _, out _) ? fromModel
            : throw new ArgumentException($"--sampling: model-default needs a checkpoint whose generation_config.json is recorded (`clustersim catalog sampling` lists them); '{Model}' is not one: give temperature, greedy, top-p or top-k");
        if (EngineVersion.Length > 0 && !EngineRelease.TryParse(EngineVersion, out _))
        {
            throw new ArgumentException($"--engine-version: expected a release number such as 0.11.0 or v0.19, got '{EngineVersion}'");
        }

        SamplerKernel kernel = SamplerKernel is null ? SamplerKernels.DefaultFor(engine, EngineVersion, out _)
            : Choice("--sampler-kernel", SamplerKernel, DeploymentSection.SamplerKernelNames);
        int[] prompts = Counts("--prompt", PromptTokens);
        int[] decoders = Counts("--decode", Decoders);
        if (Context < 1)
        {
            throw new ArgumentException($"--context: expected a whole number of tokens ≥ 1, got {Context}");
        }

        if (MaxModelLength is < 1)
        {
            throw new ArgumentException($"--max-model-len: expected a whole number of tokens ≥ 1, got {MaxModelLength}");
        }

        if (prompts.All(p => p == 0) && decoders.All(d => d == 0))
        {
            throw new ArgumentException("--prompt and --decode are all 0: give at least one prompt chunk or one decoding sequence");
        }

        var deployment = new ServingDeployment
        {
            Model = model,
            Accelerator = accelerator,
            TensorParallel = TensorParallel,
            Attention = Choice("--attention", Attention, DeploymentSection.AttentionLayouts),
            Weights = weights,
            KvCache = kv,
            Engine = engine,
            EngineVersion = EngineVersion,
            Sampling = sampling,
            SamplerKernel = kernel,
            Speculative = Speculative is null ? null : SpeculativeSpec.Parse(Speculative, model, catalog),
            MemoryReserve = ServingDeployment.EngineMemoryReserve(engine, accelerator, TensorParallel, 1, SglangServerDefaults.ChunkedPrefillTokens(accelerator)),
            MaxModelLength = MaxModelLength ?? 0,
        };
        (ServingCalibration calibration, string? warning) = catalog.Calibrations.For(accelerator, deployment.ComputePrecision, engine, EngineVersion);
        // The KV cache the engine leaves at its server's default batch limits for this accelerator (and vLLM release).
        VllmServerDefaults limits = VllmServerDefaults.For(accelerator, engine == ServingEngine.Vllm ? EngineVersion : string.Empty, deployment.ContextLimit);
        deployment = (deployment with { Efficiency = calibration.Factors, CalibrationName = calibration.Name }).WithEngineRuntime(limits.MaxSequences, limits.MaxBatchedTokens);
        return StepTimeBreakdown.Of(deployment.Validated(), warning, prompts, decoders, Context);
    }

    private static T Choice<T>(string option, string value, IReadOnlyDictionary<string, T> choices) =>
        choices.TryGetValue(value.Trim().ToLowerInvariant(), out T? chosen)
            ? chosen
            : throw new ArgumentException($"{option}: expected one of {string.Join(", ", choices.Keys)}, got '{value}'");

    private static int[] Counts(string option, string list)
    {
        string[] parts = list.Split(',', StringSplitOptions.TrimEntries);
        var counts = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out counts[i]) || counts[i] > 1_000_000)
            {
                throw new ArgumentException($"{option}: expected comma-separated whole numbers from 0 to 1,000,000, got '{parts[i]}' in '{list}'");
            }
        }

        return counts;
    }
}
