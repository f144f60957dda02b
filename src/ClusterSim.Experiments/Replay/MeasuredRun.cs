namespace ClusterSim.Experiments.Replay;

/// <summary>
/// One measured serving run or one load stage of it (a row of a measured-runs CSV, the layout of
/// <c>vllm-measured-calibration.csv</c>): the configuration, the offered load, and the measured latency means.
/// Latencies are milliseconds; a null field was not published.
/// </summary>
public sealed record MeasuredRun
{
    /// <summary>Line of the row in its file.</summary>
    public int Line { get; init; }
    public required string Experiment { get; init; }

    /// <summary>"all" for the whole run, else the 0-based load stage.</summary>
    public required string Stage { get; init; }
    public string Set { get; init; } = string.Empty;
    public string Workload { get; init; } = string.Empty;
    public required string Model { get; init; }
    public required string Gpu { get; init; }
    public int TensorParallel { get; init; } = 1;
    public int DataParallel { get; init; } = 1;

    /// <summary>Accelerators a mixture-of-experts replica spreads whole experts over (<c>ep</c>, SGLang's <c>--ep-size</c>, TensorRT-LLM's <c>ep_size</c>); 1 slices every expert across the tensor-parallel group.</summary>
    public int ExpertParallel { get; init; } = 1;

    /// <summary>
    /// True when the engine's router sent every token to the same experts (<c>collapsed_routing</c>: a benchmark engine built
    /// with dummy weights); see <see cref="Core.Performance.ServingDeployment.CollapsedRouting"/>.
    /// </summary>
    public bool CollapsedRouting { get; init; }

    /// <summary>
    /// False when the engine was built without its own all-reduce kernel (<c>custom_all_reduce</c>: TensorRT-LLM 0.x's
    /// <c>--use_custom_all_reduce disable</c>); see <see cref="Core.Performance.ServingDeployment.CustomAllReduce"/>.
    /// </summary>
    public bool CustomAllReduce { get; init; } = true;

    /// <summary>
    /// Decode steps each scheduling pass covered (<c>num_scheduler_steps</c>: vLLM V0's <c>--num-scheduler-steps</c>); see
    /// <see cref="Core.Performance.ServingDeployment.MultiStep"/>. 1 when the run does not say.
    /// </summary>
    public int MultiStep { get; init; } = 1;

    /// <summary>How the server speculated (<see cref="MeasuredSpeculation"/>); null when it did not.</summary>
    public MeasuredSpeculation? Speculation { get; init; }

    /// <summary>
    /// How the server attended over its tensor-parallel group (<c>dp_attention</c>: true for SGLang's
    /// <c>--enable-dp-attention</c>, balanced for TensorRT-LLM's <c>enable_attention_dp</c> with
    /// <c>attention_dp_config.enable_balance</c>); under data parallelism TensorRT-LLM's and vLLM's batch limits are each
    /// rank's, SGLang's the whole group's (it divides them over the ranks), as those engines take them (see
    /// <see cref="Core.Performance.ServingDeployment.Attention"/>).
    /// </summary>
    public Core.Performance.AttentionLayout Attention { get; init; }

    /// <summary>
    /// Prefill workers of a disaggregated run (<c>prefill_replicas</c>); 0 for a colocated one. Its other columns then
    /// describe the decode workers (<c>dp</c> their count, <c>tp</c>, <c>ep</c> and <c>dp_attention</c> each one's) and
    /// <c>prefill_tp</c>, <c>prefill_ep</c> and <c>prefill_dp_attention</c> each prefill worker's.
    /// </summary>
    public int PrefillReplicas { get; init; }

    /// <summary>
    /// How expert-parallel ranks exchange tokens (<c>moe_dispatch</c>: <c>all-reduce</c>, the default — the tensor-parallel
    /// group's all-reduce, or a gather and scatter under data-parallel attention — or <c>all-to-all</c>: DeepEP, TensorRT-LLM's
    /// wide expert parallelism); <c>prefill_moe_dispatch</c> the prefill workers'.
    /// </summary>
    public Core.Moe.ExpertDispatch MoeDispatch { get; init; } = Core.Moe.ExpertDispatch.AllReduce;

    /// <summary>The prefill workers' <see cref="MoeDispatch"/>.</summary>
    public Core.Moe.ExpertDispatch PrefillMoeDispatch { get; init; } = Core.Moe.ExpertDispatch.AllReduce;

    /// <summary>Accelerators of each prefill worker (<c>prefill_tp</c>); the decode workers' when not given.</summary>
    public int? PrefillTensorParallel { get; init; }

    /// <summary>Expert-parallel ranks of each prefill worker (<c>prefill_ep</c>), as <see cref="ExpertParallel"/> is the decode workers'.</summary>
    public int PrefillExpertParallel { get; init; } = 1;

    /// <summary>How each prefill worker attended (<c>prefill_dp_attention</c>), as <see cref="Attention"/> is the decode workers'.</summary>
    public Core.Performance.AttentionLayout PrefillAttention { get; init; }

    /// <summary>
    /// The bandwidth a request's KV cache crosses from its prefill worker to its decode worker, GB/s (<c>kv_link_gb_s</c>);
    /// null: each of the fewer workers' accelerators sends its slice over its own link — the scale-up link when both pools
    /// fit one scale-up domain, else the scale-out one.
    /// </summary>
    public double? KvLinkGBps { get; init; }

    /// <summary>Weight format as the engine was told ("FP16", "FP8"); empty when unstated (FP16 then).</summary>
    public string DType { get; init; } = string.Empty;
    public int? MaxSequences { get; init; }
    public int? MaxBatchedTokens { get; init; }

    /// <summary>vLLM's <c>max_model_len</c>; null when unstated (the model's own context length).</summary>
    public int? MaxModelLength { get; init; }
    public double? GpuMemoryUtilization { get; init; }

    /// <summary>
    /// vLLM's CPU KV offloading: null when off or unstated; else the host memory it was given, GiB (0 when the row only
    /// says it was on, without a size).
    /// </summary>
    public double? CpuKvOffloadGib { get; init; }

    /// <summary>vLLM's <c>enable_prefix_caching</c>; null when unstated (vLLM's default: on).</summary>
    public bool? PrefixCaching { get; init; }

    /// <summary>vLLM's <c>enable_chunked_prefill</c>; null when unstated (vLLM's default: on).</summary>
    public bool? ChunkedPrefill { get; init; }

    /// <summary>vLLM's <c>async_scheduling</c>; null when unstated (vLLM's default since vllm-project/vllm#27614: on).</summary>
    public bool? AsyncScheduling { get; init; }

    /// <summary>
    /// SGLang's <c>--scheduler-recv-interval</c>: decode steps between the scheduler's reads of new requests while the
    /// batch decodes (<see cref="Core.Inference.SchedulerOptions.ReceiveInterval"/>); null when unstated (1: every step).
    /// </summary>
    public int? ReceiveInterval { get; init; }

    /// <summary>The serving engine ("vllm", "sglang", "tensorrt-llm"); empty when unstated (vLLM).</summary>
    public string Engine { get; init; } = string.Empty;

    /// <summary>The engine's release (<c>engine_version</c>, "0.11.0"); empty when unstated.</summary>
    public string EngineVersion { get; init; } = string.Empty;

    /// <summary>
    /// How a vLLM engine was started (<c>vllm_entry</c>: <c>server</c>, <c>llm</c> for the offline LLM class, <c>engine</c>
    /// for an engine built from EngineArgs in the client's process), which sets V1's limits when the row gives none;
    /// unstated: the server.
    /// </summary>
    public Core.Performance.VllmEntryPoint VllmEntry { get; init; }

    /// <summary>
    /// The server's <c>VLLM_USE_V1</c> (<c>vllm_use_v1</c>): false runs the V0 engine on a release from 0.8 to 0.10, which
    /// defaults to V1; null when unstated (the release's default engine).
    /// </summary>
    public bool? VllmUseV1 { get; init; }

    /// <summary>
    /// The format the checkpoint keeps its embedding tables in (<c>head_weights</c>); null when unstated: the convention
    /// (<see cref="Core.Performance.ServingDeployment.HeadFormat"/>: 16 bits beside quantised layers).
    /// </summary>
    public Core.Catalog.Precision? HeadWeights { get; init; }

    /// <summary>The format of a mixture-of-experts checkpoint's layers other than the routed experts (<c>dense_weights</c>); null when unstated: the convention (<see cref="Core.Performance.ServingDeployment.DenseFormat"/>).</summary>
    public Core.Catalog.Precision? DenseWeights { get; init; }

    /// <summary>Bits a stored layer weight takes with its scales (<c>weight_bits</c>); null when unstated: the format's convention (<see cref="Core.Performance.ServingDeployment.WeightBitsPerElement"/>).</summary>
    public double? WeightBits { get; init; }

    /// <summary>
    /// How the client's requests sample (<c>sampling</c>: greedy, temperature, top-p, top-k or model-default); empty when
    /// unstated: then the server's default for a request that sets none, the checkpoint's generation_config.json on vLLM.
    /// </summary>
    public string Sampling { get; init; } = string.Empty;

    /// <summary>
    /// How the server filtered (<c>sampler_kernel</c>: ranking or flashinfer); empty when unstated: then the engine
    /// release's default (<see cref="Core.Performance.SamplerKernels.DefaultFor"/>).
    /// </summary>
    public string SamplerKernel { get; init; } = string.Empty;

    /// <summary>
    /// How the server admitted requests against its KV cache (TensorRT-LLM's scheduling policy: GUARANTEED_NO_EVICT
    /// reserves each whole sequence, MAX_UTILIZATION grows and preempts); null when unstated (the engine's default).
    /// </summary>
    public Core.Inference.KvAdmissionPolicy? KvAdmission { get; init; }

    /// <summary>vLLM's <c>kv_cache_dtype</c> ("auto", "fp8", "fp8_e4m3", "fp8_e5m2"); empty when unstated (auto).</summary>
    public string KvCacheDType { get; init; } = string.Empty;

    /// <summary>
    /// How requests were sent: "constant" (evenly spaced, inference-perf), "poisson", "gamma" (vLLM benchmark_serving with
    /// a burstiness), "concurrency" (a closed loop of <see cref="Rate"/> users) or "offline" (all at once); empty is constant.
    /// </summary>
    public string Arrival { get; init; } = string.Empty;

    /// <summary>
    /// True when the client handed requests to the engine in its own process (<c>in_process</c>: an offline benchmark such
    /// as trtllm-bench, a static-batch run, vLLM's throughput benchmark, MLPerf Offline), so requests sent together were
    /// all queued before the engine's first step; false or unstated: through a server's front end (a served run at an
    /// infinite rate included), which reads them one at a time.
    /// </summary>
    public bool InProcess { get; init; }

    /// <summary>Gamma shape of the inter-arrival times (vLLM's burstiness: 1 is Poisson); null when not stated.</summary>
    public double? Burstiness { get; init; }

    /// <summary>Request rate of this stage (req/s), or the concurrency of a closed loop; null when unpublished.</summary>
    public double? Rate { get; init; }

    /// <summary>
    /// The client's cap on requests in flight when it also paced them at <see cref="Rate"/> (vLLM's and SGLang's
    /// <c>max_concurrency</c> beside a request rate; inference-perf's workers × <c>worker_max_concurrency</c> at a constant
    /// rate; the <c>max_concurrency</c> column); null when there was none or the run was a closed loop. A request due while
    /// that many are unanswered is sent when one finishes, and timed from then.
    /// </summary>
    public double? ConcurrencyCap { get; init; }

    /// <summary>Requests sent; null when unpublished.</summary>
    public int? Requests { get; init; }

    /// <summary>
    /// Seconds over which a closed loop's users start, at uniform random times (<c>ramp_s</c>): the steady state a client
    /// such as perf_analyzer measures after its warm-up; null: all at once, as vLLM's and SGLang's benchmarks start.
    /// </summary>
    public double? RampSeconds { get; init; }

    /// <summary>The whole run's stage schedule ("5 rps x 600 s; 10 rps x 600 s"); empty when unpublished.</summary>
    public string StageSchedule { get; init; } = string.Empty;
    public double? DurationSeconds { get; init; }
    public int? FailedRequests { get; init; }

    /// <summary>The load generator's request timeout, seconds (<c>client_timeout_s</c>); null when unstated (the generator's own).</summary>
    public double? ClientTimeoutSeconds { get; init; }
    public double? InputTokens { get; init; }

    /// <summary>How the prompts were built (names the shared system prompt's length).</summary>
    public string InputDistribution { get; init; } = string.Empty;
    public double? OutputTokens { get; init; }

    /// <summary>How the requests were sized when the run says more than the means (each request's lengths, or the ranges its client drew them from); null when only the means were published.</summary>
    public RequestLengths? Lengths { get; init; }

    /// <summary>Shares of the requests by the priority they carried (a BLIS trace's <c>vllm_priority</c>); empty: one class.</summary>
    public IReadOnlyList<Core.Inference.RequestClass> Classes { get; init; } = [];

    /// <summary>
    /// The request class this row measures alone (a trace's requests of one priority), its name in the replay's classes;
    /// empty for a row over every request. A class's row is shown beside the run's and left out of the headline errors.
    /// </summary>
    public string Class { get; init; } = string.Empty;

    /// <summary>The server's <c>--scheduling-policy</c>; null: first come, first served (vLLM's default).</summary>
    public Core.Inference.SchedulingPolicy? SchedulingPolicy { get; init; }

    /// <summary>Where the output count comes from ("measured (inference-perf)", or derived from the means).</summary>
    public string OutputSource { get; init; } = string.Empty;
    public double? TtftMs { get; init; }
    public double? ItlMs { get; init; }
    public double? E2eMs { get; init; }

    /// <summary>Measured median TTFT over the stage's requests, ms; null when unpublished (a mean a few slow first tokens dominate is judged against it too).</summary>
    public double? TtftP50Ms { get; init; }

    /// <summary>Measured tails (90th and 99th percentiles over the stage's requests), ms; null when unpublished.</summary>
    public double? TtftP90Ms { get; init; }
    public double? TtftP99Ms { get; init; }
    public double? E2eP90Ms { get; init; }
    public double? E2eP99Ms { get; init; }

    /// <summary>
    /// Percentiles over the requests of their time per output token after the first, ms: the median and 90th (vLLM's
    /// benchmark and AccelMark's harness print them), the 99th (MLPerf's TPOT bound); null when unpublished.
    /// </summary>
    public double? TpotP50Ms { get; init; }

    /// <summary>True when the row gives a mean latency (TTFT, ITL or E2E), not only percentiles or a throughput.</summary>
    public bool PublishesMeans => TtftMs is not null || ItlMs is not null || E2eMs is not null;

    public double? TpotP90Ms { get; init; }
    public double? TpotP99Ms { get; init; }
    public double? ThroughputTokensPerSecond { get; init; }

    /// <summary>Other simulators' absolute % error on mean E2E for this row, by simulator name.</summary>
    public IReadOnlyDictionary<string, double> PeerErrors { get; init; } = new Dictionary<string, double>();

    /// <summary>The workload profile the row most likely used, when its own parameters were not published.</summary>
    public string LikelyProfile { get; init; } = string.Empty;
    public string Notes { get; init; } = string.Empty;

    /// <summary>
    /// What the reader assumed for inputs its source leaves out (a published result's tensor-parallel size, its request
    /// count): printed with the replay's own assumptions, and the row is then not among those with every input published.
    /// </summary>
    public IReadOnlyList<string> Assumed { get; init; } = [];

    /// <summary>
    /// True when queueing dominated the measurement (mean TTFT over a second, or clients timing out): its latencies
    /// depend on how long the overload lasted more than on step times, so fits leave it out (replays still score it).
    /// </summary>
    public bool Saturated => TtftMs > 1000 || FailedRequests > 0;

    /// <summary>True for the row summarising a whole run rather than one load stage.</summary>
    public bool IsWholeRun => Stage.Equals("all", StringComparison.OrdinalIgnoreCase);

    /// <summary>"tv-60/1": experiment and stage.</summary>
    public string Name => $"{Experiment}/{Stage}";
}
