namespace ClusterSim.Core.Inference;

/// <summary>Batching limits of one replica.</summary>
public sealed record SchedulerOptions
{
    /// <summary>Batching policy.</summary>
    public SchedulerKind Kind { get; init; } = SchedulerKind.ChunkedPrefill;

    /// <summary>Most sequences in a running batch (vLLM max_num_seqs).</summary>
    public int MaxSequences { get; init; } = 256;

    /// <summary>Most tokens processed in one iteration (vLLM max_num_batched_tokens; the chunk budget with chunked prefill).</summary>
    public int MaxBatchedTokens { get; init; } = 8192;

    /// <summary>
    /// The most prompt tokens one sequence takes in an iteration under chunked prefill; 0 for as many as the budget leaves.
    /// A replica whose attention is data-parallel sets it to each rank's share of the budget (a prompt is one rank's).
    /// </summary>
    public int MaxChunkTokens { get; init; }

    /// <summary><see cref="MaxChunkTokens"/>, or no limit.</summary>
    internal int ChunkCap => MaxChunkTokens > 0 ? MaxChunkTokens : int.MaxValue;

    /// <summary>
    /// Keep computed prompt blocks in a prefix cache and let later prompts with the same start reuse them (vLLM's
    /// automatic prefix caching, on by default there; off here unless asked, so a plain run is unchanged).
    /// </summary>
    public bool PrefixCaching { get; init; }

    /// <summary>
    /// Host memory per replica that keeps KV blocks evicted from the prefix cache (vLLM's CPU KV offloading), bytes; a
    /// later prompt finds them there and copies them back over the host link instead of recomputing. 0: off.
    /// </summary>
    public double HostKvBytes { get; init; }

    /// <summary>
    /// Whether a sequence's KV blocks grow as it decodes (vLLM, with preemption) or are reserved for its whole output at
    /// admission (TensorRT-LLM's default). Static batching always reserves.
    /// </summary>
    public KvAdmissionPolicy KvAdmission { get; init; } = KvAdmissionPolicy.Grow;

    /// <summary>
    /// The engine forms step n + 1 while step n runs (vLLM's async scheduling, on by default from 0.14, vllm-project/vllm#27614; SGLang's
    /// overlap scheduler): a request that arrives while a step runs joins the step after the next one, unless the engine
    /// has nothing else to run. Off: it joins the next step.
    /// </summary>
    public bool AsyncScheduling { get; init; }

    /// <summary>
    /// The order of the waiting queue and the choice of the sequence to preempt: first come, first served (vLLM's default)
    /// or by each request's priority (<c>--scheduling-policy priority</c>; requests take theirs from their
    /// <see cref="RequestClass"/>).
    /// </summary>
    public SchedulingPolicy Policy { get; init; } = SchedulingPolicy.Fcfs;

    /// <summary>
    /// How often a busy engine reads newly arrived requests: SGLang's <c>--scheduler-recv-interval</c> (its
    /// SchedulerRecvSkipper). While the batch decodes, the scheduler reads its socket once every this many decode steps;
    /// after a step with a prompt in it, and whenever it has nothing to run, at once. A request that arrives meanwhile
    /// waits unseen (neither queued nor admitted) until the next read. 1 (every engine's default): every step.
    /// </summary>
    public int ReceiveInterval { get; init; } = 1;

    /// <summary>
    /// The scheduling each engine runs by default: vLLM and SGLang grow KV blocks as sequences decode and form the next
    /// step while one runs; TensorRT-LLM reserves each whole sequence at admission (GUARANTEED_NO_EVICT) and, here, forms
    /// steps one after another (its PyTorch backend overlaps too, but its NIM rows' TTFT moves away from the measurements
    /// with it). vLLM releases before 0.14 (17 January 2026) scheduled synchronously unless started with
    /// <c>--async-scheduling</c>; an unstated <paramref name="engineVersion"/> is taken as a current release. Every other
    /// limit is this record's default, but TensorRT-LLM's: its LLM API (and <c>trtllm-serve</c>) runs up to 2,048 sequences
    /// (<c>max_batch_size</c>) and 8,192 tokens a step (<c>max_num_tokens</c>) unless told otherwise
    /// (tensorrt_llm/llmapi/llm_args.py).
    /// </summary>
    public static SchedulerOptions For(Performance.ServingEngine engine, string engineVersion = "") => engine switch
    {
        Performance.ServingEngine.TensorRtLlm => new SchedulerOptions { KvAdmission = KvAdmissionPolicy.Reserve, AsyncScheduling = false, MaxSequences = TensorRtLlmMaxBatchSize, MaxBatchedTokens = TensorRtLlmMaxNumTokensFor(engineVersion) },
        Performance.ServingEngine.Sglang => new SchedulerOptions { Kind = SchedulerKind.PrefillFirst, KvAdmission = KvAdmissionPolicy.Grow, AsyncScheduling = true },
        Performance.ServingEngine.Vllm when Performance.EngineRelease.Before(engineVersion, FirstAsyncVllm)
            => new SchedulerOptions { KvAdmission = KvAdmissionPolicy.Grow, AsyncScheduling = false },
        _ => new SchedulerOptions { KvAdmission = KvAdmissionPolicy.Grow, AsyncScheduling = true },
    };

    /// <summary>TensorRT-LLM's default <c>max_batch_size</c>: sequences in a step.</summary>
    public const int TensorRtLlmMaxBatchSize = 2048;

    /// <summary>TensorRT-LLM's default <c>max_num_tokens</c>: tokens in a step.</summary>
    public const int TensorRtLlmMaxNumTokens = 8192;

    /// <summary>
    /// The longest sequence a pre-0.11 engine's default token budget is taken to multiply: its budget, max_batch_size ×
    /// max_seq_len, holds every prompt the batch and the KV cache admit (131,072 tokens: the longest context in the model
    /// catalog), so no budget of its own limits a context step.
    /// </summary>
    public const int TensorRtLlmLegacySequenceTokens = 131_072;

    /// <summary>
    /// TensorRT-LLM's default <c>max_num_tokens</c> for <paramref name="engineVersion"/>: 8,192 from 0.11 on (and when no
    /// release is given); before it, max_batch_size × max_seq_len (<see cref="Performance.TensorRtLlmRelease.FirstTokenBudget"/>).
    /// </summary>
    public static int TensorRtLlmMaxNumTokensFor(string engineVersion) =>
        Performance.EngineRelease.Before(engineVersion, Performance.TensorRtLlmRelease.FirstTokenBudget)
            ? TensorRtLlmMaxBatchSize * TensorRtLlmLegacySequenceTokens
            : TensorRtLlmMaxNumTokens;

    /// <summary>The first vLLM release that schedules asynchronously by default (vllm-project/vllm#27614, in v0.14.0).</summary>
    public static readonly Performance.EngineRelease FirstAsyncVllm = new(0, 14);

    /// <summary>Throws when a limit is not positive.</summary>
    public SchedulerOptions Validated()
    {
        if (MaxSequences < 1 || MaxBatchedTokens < 1)
        {
            throw new ArgumentException($"max_sequences and max_batched_tokens must be positive (got {MaxSequences} and {MaxBatchedTokens})");
        }

        if (MaxChunkTokens < 0)
        {
            throw new ArgumentException($"the most prompt tokens a sequence takes in an iteration cannot be negative (got {MaxChunkTokens})");
        }

        if (HostKvBytes < 0 || (HostKvBytes > 0 && !PrefixCaching))
        {
            throw new ArgumentException("KV offload keeps blocks the prefix cache evicts: it needs prefix_caching on and a non-negative size");
        }

        if (ReceiveInterval < 1)
        {
            throw new ArgumentException($"the steps between reads of new requests must be at least 1 (got {ReceiveInterval})");
        }

        if (!Enum.IsDefined(KvAdmission))
        {
            throw new ArgumentException($"unknown KV admission policy {KvAdmission}");
        }

        if (!Enum.IsDefined(Policy))
        {
            throw new ArgumentException($"unknown scheduling policy {Policy}");
        }

        return this;
    }
}
