namespace ClusterSim.Experiments.Replay;

/// <summary>
/// What a benchmark result file does not record about the server it measured: the accelerator, parallelism, weight
/// format and engine limits (given on the command line as vLLM was launched).
/// </summary>
public sealed record ServingSetup
{
    public string? Gpu { get; init; }

    /// <summary>The model served (a catalog id or Hugging Face name); SGLang's results do not record it. Overrides vLLM's <c>model_id</c> when given.</summary>
    public string? Model { get; init; }
    public int TensorParallel { get; init; } = 1;
    public int DataParallel { get; init; } = 1;
    public string DType { get; init; } = string.Empty;

    /// <summary>The format the checkpoint keeps its embedding tables in (<c>--head-weights</c>); null: the convention.</summary>
    public Core.Catalog.Precision? HeadWeights { get; init; }

    /// <summary>Bits a stored layer weight takes with its scales (<c>--weight-bits</c>); null: the format's convention.</summary>
    public double? WeightBits { get; init; }
    public int? MaxSequences { get; init; }
    public int? MaxBatchedTokens { get; init; }
    public double? GpuMemoryUtilization { get; init; }

    /// <summary>The serving engine ("vllm", "sglang", "tensorrt-llm"); empty for vLLM.</summary>
    public string Engine { get; init; } = string.Empty;

    /// <summary>The engine's release ("0.11.0"); empty when unstated (the newest measured memory profile then).</summary>
    public string EngineVersion { get; init; } = string.Empty;

    /// <summary>The server's <c>--scheduling-policy</c>; null: the engine's default (first come, first served).</summary>
    public Core.Inference.SchedulingPolicy? SchedulingPolicy { get; init; }

    /// <summary>
    /// The most requests the client kept in flight while pacing them (<c>--max-concurrency</c>), for results that do not
    /// record it (inference-perf's: its workers × <c>worker_max_concurrency</c>); null: no cap.
    /// </summary>
    public double? ConcurrencyCap { get; init; }

    /// <summary>vLLM's <c>--enable-prefix-caching</c> (true) or <c>--no-enable-prefix-caching</c> (false); null: the release's default.</summary>
    public bool? PrefixCaching { get; init; }

    /// <summary>vLLM's <c>--enable-chunked-prefill</c> (true) or <c>--no-enable-chunked-prefill</c> (false); null: the release's default.</summary>
    public bool? ChunkedPrefill { get; init; }

    /// <summary>The server's VLLM_USE_V1 (<c>--vllm-use-v1</c>) on a release that shipped both engines; null: the release's default engine.</summary>
    public bool? VllmUseV1 { get; init; }

    /// <summary>SGLang's <c>--scheduler-recv-interval</c>; null: every step.</summary>
    public int? ReceiveInterval { get; init; }

    /// <summary>vLLM's CPU KV offloading size (<c>--kv-offloading-size</c>), GiB; null when off.</summary>
    public double? CpuKvOffloadGib { get; init; }

    /// <summary>Prompt tokens of every request (<c>--input-len</c>), for results that keep only a total (vLLM's throughput benchmark's JSON); null: not given.</summary>
    public double? InputLength { get; init; }

    /// <summary>Output tokens of every request (<c>--output-len</c>), for results that keep only a total; null: not given.</summary>
    public double? OutputLength { get; init; }

    /// <summary>Requests a batch (<c>--batch-size</c>), for vLLM's latency benchmark, which does not record it; null: not given.</summary>
    public int? BatchSize { get; init; }

    /// <summary>
    /// A whole-run row of <paramref name="model"/> on <paramref name="gpu"/> with this server's set-up filled in; the caller
    /// adds what its result measured.
    /// </summary>
    public MeasuredRun Run(int line, string experiment, string model, string gpu) => new()
    {
        Line = line,
        Experiment = experiment,
        Stage = "all",
        Model = model,
        Gpu = gpu,
        TensorParallel = TensorParallel,
        DataParallel = DataParallel,
        DType = DType,
        HeadWeights = HeadWeights,
        WeightBits = WeightBits,
        MaxSequences = MaxSequences,
        MaxBatchedTokens = MaxBatchedTokens,
        GpuMemoryUtilization = GpuMemoryUtilization,
        CpuKvOffloadGib = CpuKvOffloadGib,
        ConcurrencyCap = ConcurrencyCap,
        PrefixCaching = PrefixCaching,
        ChunkedPrefill = ChunkedPrefill,
        Engine = Engine,
        EngineVersion = EngineVersion,
        VllmUseV1 = VllmUseV1,
        SchedulingPolicy = SchedulingPolicy,
        ReceiveInterval = ReceiveInterval,
    };
}
