using System.Globalization;
using ClusterSim.Core.Catalog;

namespace ClusterSim.Core.Performance;

/// <summary>
/// One model instance on TP × PP accelerators of one type, with its number formats and efficiency
/// factors. Validated on creation: a model that does not fit is a clear error, not a silent result.
/// </summary>
public sealed record ServingDeployment
{
    /// <summary>Default fraction of memory kept free for activations, CUDA graphs and fragmentation.</summary>
    public const double DefaultMemoryReserve = 0.10;

    public required ModelSpec Model { get; init; }
    public required AcceleratorSpec Accelerator { get; init; }
    public int TensorParallel { get; init; } = 1;
    public int PipelineParallel { get; init; } = 1;
    public Precision Weights { get; init; } = Precision.BF16;
    public Precision KvCache { get; init; } = Precision.BF16;
    /// <summary>Expert routing and placement for a mixture-of-experts model; null uses the uniform expectation.</summary>
    public Moe.MoeRoutingOptions? MoeRouting { get; init; }

    /// <summary>
    /// True when the router sends every token to the same experts whatever its input — as a model built with dummy
    /// (constant) weights for a benchmark does — so a step touches only top-k experts however many tokens it holds. Only
    /// under the uniform expectation of routing (<see cref="MoeRouting"/> null).
    /// </summary>
    public bool CollapsedRouting { get; init; }

    /// <summary>
    /// False when the engine was built to all-reduce through NCCL alone: TensorRT-LLM 0.x's <c>--use_custom_all_reduce
    /// disable</c> (a build flag then; from 0.11 its AUTO strategy), so even a small message takes the ring rather than the
    /// engine's one-shot kernel (<see cref="TensorRtLlmAllReduce"/>). True by default.
    /// </summary>
    public bool CustomAllReduce { get; init; } = true;

    /// <summary>
    /// Decode steps a scheduling pass covers: vLLM V0's <c>--num-scheduler-steps</c> (<see cref="VllmMultiStep"/>). 1, the
    /// default, schedules every step.
    /// </summary>
    public int MultiStep { get; init; } = 1;

    /// <summary>
    /// How the tensor-parallel group shares attention. Data-parallel (SGLang's <c>--enable-dp-attention</c>, TensorRT-LLM's
    /// <c>enable_attention_dp</c>): each of the <see cref="TensorParallel"/> accelerators holds every attention weight and
    /// attends its own sequences over their whole KV, which it alone stores (no copies of a latent or of KV heads); the
    /// MLPs and experts stay split over the group, which gathers every rank's tokens before each MLP and scatters the
    /// results after it.
    /// </summary>
    public AttentionLayout Attention { get; init; }

    /// <summary>True when each rank attends its own sequences (<see cref="AttentionLayout.DataParallel"/> or balanced).</summary>
    public bool AttentionDataParallel => Attention != AttentionLayout.TensorParallel;

    /// <summary>Ranks that attend separately: the tensor-parallel group under <see cref="AttentionDataParallel"/>, else 1.</summary>
    public int AttentionRanks => AttentionDataParallel ? TensorParallel : 1;

    /// <summary>
    /// True when a data-parallel-attention replica of a mixture-of-experts model sends its tokens to the experts' ranks by
    /// all-to-all (<see cref="Moe.MoeRoutingOptions.Dispatch"/>: DeepEP, TensorRT-LLM's wide expert parallelism): then
    /// every rank holds all the non-expert weights (SGLang's <c>moe-dense-tp-size 1</c> and <c>enable-dp-lm-head</c>) and
    /// nothing is gathered; otherwise the MLPs stay split and the group gathers and scatters around them.
    /// </summary>
    public bool DispatchesAllToAll => AttentionDataParallel && Model.IsMoE && MoeRouting is { Dispatch: Moe.ExpertDispatch.AllToAll };

    /// <summary>Parameters each attending rank holds whole: none under tensor parallelism; the attention projections, or under <see cref="DispatchesAllToAll"/> every non-expert weight.</summary>
    public double ReplicatedParameters => !AttentionDataParallel ? 0
        : DispatchesAllToAll ? Model.TotalParameters - Model.RoutedExpertParameters
        : Model.MixerParameters;

    /// <summary>Ranks over which a step's prompt chunks fall unevenly, one rank's each (<see cref="AttentionLayout.DataParallel"/>); 1 when they spread evenly.</summary>
    public int UnevenChunkRanks => Attention == AttentionLayout.DataParallel ? TensorParallel : 1;

    public EfficiencyFactors Efficiency { get; init; } = new();

    /// <summary>How requests pick their tokens (<see cref="SamplingMode"/>); filtering costs the sampler a pass over the vocabulary.</summary>
    public SamplingMode Sampling { get; init; } = SamplingMode.Random;

    /// <summary>How the engine filters when requests ask it to (<see cref="SamplerKernel"/>); irrelevant unless <see cref="Sampling"/> filters.</summary>
    public SamplerKernel SamplerKernel { get; init; } = SamplerKernel.Ranking;

    /// <summary>Speculative decoding; null for one token per sequence per decode step.</summary>
    public SpeculativeDecoding? Speculative { get; init; }

    /// <summary>The calibration the efficiency factors came from ("hopper-vllm/bf16"), for the results; empty when set by hand.</summary>
    public string CalibrationName { get; init; } = string.Empty;

    /// <summary>The serving engine, which chose the calibration (<see cref="ServingEngine"/>).</summary>
    public ServingEngine Engine { get; init; } = ServingEngine.Vllm;

    /// <summary>The engine's release as given ("0.11.0"), which picks vLLM's start-up memory profile; empty when not given.</summary>
    public string EngineVersion { get; init; } = string.Empty;

    /// <summary>
    /// The longest request the server takes, prompt and output together, tokens (vLLM's and SGLang's max_model_len,
    /// TensorRT-LLM's max_seq_len); 0 takes the model's context (<see cref="ModelSpec.MaxContext"/>). A request longer than
    /// <see cref="ContextLimit"/> is refused, as the engines answer it with an error.
    /// </summary>
    public int MaxModelLength { get; init; }

    /// <summary>The longest request the server takes: <see cref="MaxModelLength"/>, or the model's context when that is not set.</summary>
    public int ContextLimit => MaxModelLength > 0 ? MaxModelLength : Model.MaxContext;

    /// <summary>
    /// The share of memory <paramref name="engine"/> leaves alone when its launch does not say: vLLM's 1 − 0.9 (and the
    /// TensorRT-LLM rows'), SGLang's 1 − the mem_fraction_static it derives from the GPU, the parallelism and the budget
    /// (<see cref="SglangServerDefaults.MemoryFractionStatic"/>).
    /// </summary>
    public static double EngineMemoryReserve(ServingEngine engine, AcceleratorSpec chip, int tensorParallel, int pipelineParallel, int maxBatchedTokens) =>
        engine == ServingEngine.Sglang ? 1 - SglangServerDefaults.MemoryFractionStatic(chip, tensorParallel, pipelineParallel, maxBatchedTokens) : DefaultMemoryReserve;

    /// <summary>Fraction of device memory the engine leaves alone (1 − vLLM's gpu_memory_utilization).</summary>
    public double MemoryReserve { get; init; } = DefaultMemoryReserve;

    /// <summary>
    /// Bytes per accelerator the runtime takes from the engine's share before the KV cache: CUDA context, communication
    /// buffers and the activation peak of the engine's profiling pass.
    /// </summary>
    public double RuntimeBytesPerAccelerator { get; init; } = DefaultRuntimeBytes;

    /// <summary>KV room a deployment must have for one sequence (or the model's whole context, if shorter), tokens.</summary>
    public const int MinimumSequenceTokens = 4096;

    /// <summary>Default runtime reserve per accelerator: 1 GiB.</summary>
    public const double DefaultRuntimeBytes = 1073741824.0;
    public int KvBlockTokens { get; init; } = 16;

    /// <summary>Accelerators one replica occupies.</summary>
    public int Accelerators => TensorParallel * PipelineParallel;

    /// <summary>
    /// Scale-up domains the tensor-parallel group spans: 1 within an HGX board or an NVL72 rack (or where the catalog
    /// gives no domain), more when its collectives cross the scale-out network.
    /// </summary>
    public int DomainsSpanned => DomainsOf(TensorParallel);

    /// <summary>
    /// Pipeline hand-offs that cross from one scale-up domain to the next, the stages laid out in order over whole
    /// domains: every one when a stage fills a domain or more, else one per domain boundary the replica crosses.
    /// </summary>
    public int PipelineHopsAcrossDomains => PipelineParallel < 2 || Accelerator.ScaleUpDomain is not int domain || Accelerators <= domain ? 0
        : TensorParallel >= domain ? PipelineParallel - 1
        : Math.Min(PipelineParallel - 1, ((Accelerators + domain - 1) / domain) - 1);

    /// <summary>
    /// The smallest tensor-parallel size of at least <paramref name="accelerators"/> this deployment could take: one that
    /// divides the attention heads (any, under attention data parallelism) and, beyond the scale-up domain, fills whole
    /// domains; 0 when none up to 1,024 does.
    /// </summary>
    private int TensorParallelAtLeast(int accelerators)
    {
        for (int tp = Math.Max(1, accelerators); tp <= 1024; tp++)
        {
            if (HeadsSplit(tp) && DomainProblem(tp) is null)
            {
                return tp;
            }
        }

        return 0;
    }

    /// <summary>True when <paramref name="tensorParallel"/> ranks split the attention heads (any number does under attention data parallelism).</summary>
    private bool HeadsSplit(int tensorParallel) => AttentionDataParallel || Model.Heads % tensorParallel == 0;

    /// <summary>
    /// Why a tensor-parallel group of <paramref name="tensorParallel"/> cannot span the accelerator's scale-up domains
    /// (part of a domain beyond the first, or no network figure between them); null when it fits one or fills whole ones,
    /// its collectives then crossing the network (<see cref="Collective.AllReduceAcrossDomains"/>).
    /// </summary>
    private string? DomainProblem(int tensorParallel) => Accelerator.ScaleUpDomain is not int domain || tensorParallel <= domain ? null
        : tensorParallel % domain != 0
            ? $"tensor_parallel {tensorParallel} spans more than {Accelerator.Id}'s scale-up domain of {domain} without filling whole domains; use a multiple of {domain}, or tensor_parallel ≤ {domain} with pipeline_parallel"
        : Accelerator.ScaleOutGBps is not > 0
            ? $"tensor_parallel {tensorParallel} spans {tensorParallel / domain} of {Accelerator.Id}'s scale-up domains of {domain}, and the catalog gives no scale-out bandwidth (scale_out_gb_s) for the network between them; give it in a hardware CSV, or keep tensor_parallel ≤ {domain} and add pipeline_parallel"
        : null;

    /// <summary>Scale-up domains <paramref name="accelerators"/> laid out in order occupy (1 where the catalog gives no domain).</summary>
    private int DomainsOf(int accelerators) => Accelerator.ScaleUpDomain is int domain && accelerators > domain ? (accelerators + domain - 1) / domain : 1;

    /// <summary>
    /// What a group spanning several scale-up domains is charged for the network between them, in a sentence for the
    /// results; null within one domain.
    /// </summary>
    public string? AcrossDomainsNote => !CrossesNetwork ? null
        : (DomainsSpanned > 1
            ? string.Create(CultureInfo.InvariantCulture, $"tensor_parallel {TensorParallel} spans {DomainsSpanned} scale-up domains of {Accelerator.ScaleUpDomain} {Accelerator.Id}: its all-reduces (and any expert all-to-alls{(PipelineHopsAcrossDomains > 0 ? " and pipeline hand-offs" : string.Empty)}) cross the scale-out network at {Accelerator.ScaleOutGBps:0.#} GB/s an accelerator times the calibration's link efficiency, {Efficiency.NetworkLatencySeconds * 1e6:0.##} µs a ring step")
            : string.Create(CultureInfo.InvariantCulture, $"pipeline_parallel {PipelineParallel} x tensor_parallel {TensorParallel} spans {DomainsOf(Accelerators)} scale-up domains of {Accelerator.ScaleUpDomain} {Accelerator.Id}: {PipelineHopsAcrossDomains} of its {PipelineParallel - 1} pipeline hand-offs cross the scale-out network at {Accelerator.ScaleOutGBps:0.#} GB/s an accelerator times the calibration's link efficiency, {Efficiency.NetworkLatencySeconds * 1e6:0.##} µs a step"))
            + (NetworkLatencyAssumed ? " (nccl-tests' two-node latency; no serving run fitted it: fit network_step_latency_us with `clustersim calibrate` on a run of your own)" : string.Empty);

    /// <summary>True when some collective or hand-off of a replica crosses the scale-out network between scale-up domains.</summary>
    public bool CrossesNetwork => DomainsSpanned > 1 || PipelineHopsAcrossDomains > 0;

    /// <summary>True when a replica crosses the network and its latency is nccl-tests' figure, not one a calibration or the experiment gave.</summary>
    public bool NetworkLatencyAssumed => CrossesNetwork && Math.Abs(Efficiency.NetworkLatencySeconds - Collective.NetworkStepLatencySeconds) < 1e-12;

    /// <summary>The scale-out (network) bandwidth per accelerator, bytes/s; throws when the catalog gives none.</summary>
    public double ScaleOutBytesPerSecond() => Accelerator.ScaleOutGBps is > 0 and double gbps ? gbps * 1e9
        : throw new ArgumentException($"{Accelerator.Id} has no scale-out bandwidth in the catalog (scale_out_gb_s)");

    /// <summary>
    /// Arithmetic precision: 4-bit weights multiply in 4 bits on a chip with a 4-bit peak (Blackwell's FP4); elsewhere
    /// they are dequantised and multiplied in 16 bits, as vLLM's W4A16 kernels (Marlin, Machete; AWQ, GPTQ and w4a16
    /// checkpoints) do on Hopper and Ampere.
    /// </summary>
    public Precision ComputePrecision => ArithmeticFor(Weights);

    /// <summary>The precision the LM head multiplies in: <see cref="ComputePrecision"/>'s rule applied to <see cref="HeadFormat"/>.</summary>
    public Precision HeadComputePrecision => ArithmeticFor(HeadFormat);

    private Precision ArithmeticFor(Precision stored) => stored switch
    {
        Precision.INT4 when Accelerator.Fp4Tflops is > 0 => Precision.INT4,
        Precision.INT4 => Precision.BF16,
        Precision.FP8 when Accelerator.Fp8Tflops is not > 0 => Precision.BF16,
        _ => stored,
    };

    /// <summary>
    /// The format the embedding tables (the input embedding and the LM head) are stored in, as given; null takes
    /// <see cref="HeadFormat"/>'s convention.
    /// </summary>
    public Precision? HeadWeights { get; init; }

    /// <summary>
    /// The format the layers other than the routed experts (attention, dense MLPs, shared experts, routers) are stored
    /// in, as given; null takes <see cref="DenseFormat"/>'s convention.
    /// </summary>
    public Precision? DenseWeights { get; init; }

    /// <summary>
    /// Bits a layer's stored weight takes with its share of the format's scales, as given; null takes
    /// <see cref="WeightBitsPerElement"/>'s convention.
    /// </summary>
    public double? WeightBits { get; init; }

    /// <summary>The embedding tables' format: <see cref="HeadWeights"/>, else <see cref="CheckpointConventions.HeadFormat"/>.</summary>
    public Precision HeadFormat => HeadWeights ?? CheckpointConventions.HeadFormat(Weights, Accelerator);

    /// <summary>The format of every layer but the routed experts: <see cref="DenseWeights"/>, else <see cref="CheckpointConventions.DenseFormat"/>.</summary>
    public Precision DenseFormat => DenseWeights ?? CheckpointConventions.DenseFormat(Weights, Model);

    /// <summary>Bits a stored layer weight takes, scales included: <see cref="WeightBits"/>, else <see cref="CheckpointConventions.WeightBits"/>.</summary>
    public double WeightBitsPerElement => WeightBits ?? CheckpointConventions.WeightBits(Weights, Model, Accelerator);

    /// <summary>True for a mixture-of-experts model served in the 4-bit format it was released in (<see cref="CheckpointConventions.ReleasedFourBitExperts"/>).</summary>
    public bool ReleasedFourBitExperts => CheckpointConventions.ReleasedFourBitExperts(Weights, Model);

    /// <summary>The precision the layers other than the routed experts multiply in: <see cref="ComputePrecision"/>'s rule applied to <see cref="DenseFormat"/>.</summary>
    public Precision DenseComputePrecision => ArithmeticFor(DenseFormat);

    /// <summary>Bytes a layer's stored weight takes (<see cref="WeightBitsPerElement"/> / 8).</summary>
    public double WeightBytesPerElement => WeightBitsPerElement / 8;

    /// <summary>Bytes an embedding table's stored weight takes: the layers' when <see cref="HeadFormat"/> is theirs, else its format's.</summary>
    public double HeadBytesPerElement => HeadFormat == Weights ? WeightBytesPerElement : HeadFormat.BytesPerElement();

    /// <summary>Bytes a weight of the layers other than the routed experts takes: the layers' when <see cref="DenseFormat"/> is theirs, else its format's.</summary>
    public double DenseBytesPerElement => DenseFormat == Weights ? WeightBytesPerElement : DenseFormat.BytesPerElement();

    /// <summary>
    /// True when a mixture-of-experts model's experts are stored narrower than the arithmetic and widened inside the
    /// grouped GEMMs, which then run at <see cref="EfficiencyFactors.DequantExpert"/> of their efficiency.
    /// </summary>
    public bool WidensExperts => Model.IsMoE && Weights != ComputePrecision;

    /// <summary>
    /// Bytes of all weights over the replica, those every attending rank holds whole (<see cref="ReplicatedParameters"/>)
    /// once per rank; the routed experts, the other layers and the embedding tables each at their own width.
    /// </summary>
    public double WeightBytes
    {
        get
        {
            // Each part at its own width (the routed experts, the other layers, the embedding tables); under all-to-all
            // dispatch every rank holds the non-expert weights whole, the tables among them, else only the attention.
            double body = Model.TotalParameters - Model.RoutedExpertParameters - Model.EmbeddingParameters;
            double tables = Model.EmbeddingParameters * HeadBytesPerElement;
            double heldWhole = DispatchesAllToAll ? (body * DenseBytesPerElement) + tables : ReplicatedParameters * DenseBytesPerElement;
            return ((Model.RoutedExpertParameters + DraftParameters) * WeightBytesPerElement) + (body * DenseBytesPerElement) + tables
                + ((AttentionRanks - 1) * heldWhole);
        }
    }

    /// <summary>
    /// Parameters the drafter adds beside the target: a draft model's own, or a draft head's one transformer layer (it
    /// shares the target's embedding and LM head); its KV cache is not counted.
    /// </summary>
    public double DraftParameters => Speculative switch
    {
        { Method: SpeculativeMethod.Draft, DraftModel: { } draft } => draft.TotalParameters,
        { Method: SpeculativeMethod.Eagle } => SpeculativeDecoding.DraftHead(Model).TotalParameters - Model.EmbeddingParameters,
        _ => 0,
    };

    /// <summary>
    /// This deployment with the memory its engine takes before the KV cache at the batch limits
    /// <paramref name="maxSequences"/> and <paramref name="maxBatchedTokens"/>: for vLLM, the start-up profile of the
    /// release in <see cref="EngineVersion"/> (<see cref="VllmMemoryProfile"/>); other engines keep
    /// <see cref="RuntimeBytesPerAccelerator"/>. Throws when the release is not a version.
    /// </summary>
    public ServingDeployment WithEngineRuntime(int maxSequences, int maxBatchedTokens) => Engine == ServingEngine.Vllm
        ? this with
        {
            RuntimeBytesPerAccelerator = VllmMemoryProfile.RuntimeBytes(Model, TensorParallel, maxSequences, maxBatchedTokens, VllmMemoryProfile.ForVersion(EngineVersion)),
        }
        : this;

    /// <summary>Bytes available for the KV cache over the whole replica.</summary>
    public double KvCapacityBytes => (((Accelerator.MemoryBytes * (1 - MemoryReserve)) - RuntimeBytesPerAccelerator) * Accelerators) - WeightBytes;

    /// <summary>
    /// How many copies of each token's KV the replica stores and reads. Tensor parallelism splits the KV heads over the
    /// accelerators, but each accelerator holds at least one head: with more accelerators than KV heads every head is
    /// stored (and read) TP / heads times. Multi-head latent attention keeps one latent vector a token that is not split
    /// by heads, so every accelerator of the group stores it whole: TP copies (vLLM, SGLang and TensorRT-LLM alike,
    /// without data-parallel attention). Under <see cref="AttentionDataParallel"/> each rank stores only its own sequences: none.
    /// </summary>
    public double KvReplication => AttentionDataParallel ? 1
        : Model.IsMla ? TensorParallel
        : Model.KvHeads > 0 && TensorParallel > Model.KvHeads ? (double)TensorParallel / Model.KvHeads
        : 1;

    /// <summary>KV bytes a token takes over the whole replica, copies included (<see cref="KvReplication"/>).</summary>
    public double KvBytesPerToken => Model.KvBytesPerToken(KvCache) * KvReplication;

    /// <summary>Of <see cref="KvBytesPerToken"/>, the sparse-attention indexer's keys (one head, so copied as a latent is); 0 without sparse attention.</summary>
    public double IndexerBytesPerToken => Model.IndexerBytesPerToken * KvReplication;

    /// <summary>
    /// KV bytes of one block of <see cref="KvBlockTokens"/> tokens: of every layer, or — for a model with sliding-window
    /// layers — of its full-attention layers only, whose KV grows with the context (see <see cref="HeldBlocks"/>).
    /// </summary>
    public double KvBlockBytes => KvBytesPerToken * KvBlockTokens * (1 - Model.SlidingWindowShare);

    /// <summary>
    /// Blocks (of <see cref="KvBlockBytes"/>) a sequence of <paramref name="tokens"/> tokens in all holds whole from its
    /// admission, beside the blocks its growing context takes: its sliding-window layers' KV, the last min(tokens, window)
    /// of them, as engines that free blocks outside the window keep; or its linear layers' recurrent state, the same
    /// whatever the length (<see cref="LinearStateBytes"/>). 0 for a model with neither.
    /// </summary>
    public int HeldBlocks(int tokens)
    {
        if (Model.HasLinearLayers)
        {
            return (int)Math.Ceiling(LinearStateBytes / KvBlockBytes);
        }

        if (Model.SlidingWindowLayers == 0)
        {
            return 0;
        }

        double bytes = Math.Min(tokens, Model.SlidingWindow) * KvBytesPerToken * Model.SlidingWindowShare;
        return (int)Math.Ceiling(bytes / KvBlockBytes);
    }

    /// <summary>Blocks one sequence of <paramref name="tokens"/> tokens takes when it has run to its end: its context's and those it holds whole (<see cref="HeldBlocks"/>).</summary>
    public int SequenceBlocks(int tokens) => ((tokens + KvBlockTokens - 1) / KvBlockTokens) + HeldBlocks(tokens);

    /// <summary>
    /// The longest sequence the KV cache holds, tokens (at most <see cref="ContextLimit"/>): vLLM starts only when one
    /// sequence of its max_model_len fits, and otherwise names this as "the estimated maximum model length".
    /// </summary>
    public int LongestHeldSequence
    {
        get
        {
            int low = 0, high = ContextLimit;   // SequenceBlocks grows with the tokens: the longest that fits, by halves
            while (low < high)
            {
                int mid = low + ((high - low + 1) / 2);
                if (SequenceBlocks(mid) <= KvBlocks)
                {
                    low = mid;
                }
                else
                {
                    high = mid - 1;
                }
            }

            return low;
        }
    }

    /// <summary>
    /// Why vLLM would not start this deployment, or null: one sequence of <see cref="ContextLimit"/> tokens needs more KV
    /// cache than the memory leaves (vLLM's start-up check; a server is then started with a shorter max_model_len). Null
    /// for other engines, for an edge device (its runtime's context is the app's), and where nothing fits at all (that is
    /// <see cref="Validated"/>'s error).
    /// </summary>
    public string? VllmStartUpRefusal => Engine != ServingEngine.Vllm || Accelerator.IsEdge || KvBlocks <= 0 || LongestHeldSequence >= ContextLimit
        ? null
        : string.Create(CultureInfo.InvariantCulture,
            $"vLLM does not start {Model.Id} here at max_model_len {ContextLimit:N0}{(MaxModelLength > 0 ? string.Empty : " (the model's context)")}: one sequence of it needs more than the KV cache's {(long)KvBlocks * KvBlockTokens:N0} tokens; a server started with max_model_len {LongestHeldSequence:N0} or less runs as simulated here, where a request longer than that never fits the cache");

    /// <summary>
    /// Bytes of one sequence's recurrent state over the replica: sliced over the tensor-parallel group by value heads, and
    /// copied as KV heads are when the group outnumbers them.
    /// </summary>
    public double LinearStateBytes => Model.LinearLayers * Model.LinearStateBytesPerLayerAt(StateElementBytes)
        * (!AttentionDataParallel && Model.LinearValueHeads > 0 && TensorParallel > Model.LinearValueHeads ? (double)TensorParallel / Model.LinearValueHeads : 1);

    /// <summary>
    /// Bytes an element of a hybrid's recurrent state takes as the engine keeps it: SGLang keeps the SSM states of its
    /// Mamba cache in FP32 whatever the model's config says (<c>ServerArgs.mamba_ssm_dtype = "float32"</c>, the 0.5
    /// releases' default for <c>--mamba-ssm-dtype</c>, as copies of that class in downstream projects record it; its newest
    /// releases read the config first); vLLM as the config says (its <c>mamba_ssm_dtype</c>, else the
    /// model's 16 bits: <see cref="Catalog.ModelSpec.LinearStateBytes"/>).
    /// </summary>
    public int StateElementBytes => Engine == ServingEngine.Sglang && Model.HasLinearLayers ? 4 : Model.LinearStateBytes;

    /// <summary>KV cache blocks of the replica.</summary>
    public int KvBlocks => (int)Math.Min(int.MaxValue, Math.Floor(KvCapacityBytes / KvBlockBytes));

    /// <summary>Checks the plan; throws <see cref="ArgumentException"/> saying what is wrong and what would work.</summary>
    public ServingDeployment Validated()
    {
        Efficiency.Validated();
        Speculative?.Validated();
        if (Speculative?.DraftModel is { } draft && draft.Vocab != Model.Vocab)
        {
            // Drafted tokens are the target's tokens: the two must share a tokenizer.
            throw new ArgumentException($"draft model {draft.Id} has a vocabulary of {draft.Vocab} tokens and {Model.Id} one of {Model.Vocab}; a draft model must share the target's tokenizer");
        }
        if (CollapsedRouting && MoeRouting is not null)
        {
            throw new ArgumentException("collapsed routing is modelled under the uniform expectation of expert routing only: give it no expert placement (an ep column, a moe section)");
        }

        if (MultiStep < 1 || MultiStep > VllmMultiStep.MaxSteps)
        {
            throw new ArgumentException($"multi_step must be a whole number of decode steps from 1 to {VllmMultiStep.MaxSteps} (got {MultiStep})");
        }

        if (WeightBits is { } bits && !(bits >= CheckpointConventions.MinWeightBits && bits <= CheckpointConventions.MaxWeightBits))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"weight_bits must be the bits a stored weight takes with its scales, from {CheckpointConventions.MinWeightBits} to {CheckpointConventions.MaxWeightBits} (got {bits})"));
        }

        if (MultiStep > 1 && Engine != ServingEngine.Vllm)
        {
            throw new ArgumentException($"multi_step is vLLM's --num-scheduler-steps; {Engine} schedules every step (got multi_step {MultiStep})");
        }

        if (MaxModelLength < 0)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"max_model_len must be a positive number of tokens, or 0 for the model's context (got {MaxModelLength})"));
        }

        if (TensorParallel < 1 || PipelineParallel < 1)
        {
            throw new ArgumentException($"tensor_parallel and pipeline_parallel must be at least 1 (got {TensorParallel} and {PipelineParallel})");
        }

        if (AttentionDataParallel && (TensorParallel < 2 || PipelineParallel > 1))
        {
            throw new ArgumentException($"attention data parallelism spreads the sequences over the tensor-parallel group, so it needs tensor_parallel of at least 2 and pipeline_parallel 1 (got {TensorParallel} and {PipelineParallel})");
        }

        if (!HeadsSplit(TensorParallel))
        {
            throw new ArgumentException($"tensor_parallel {TensorParallel} does not divide the {Model.Heads} attention heads of {Model.Id}");
        }

        if (Model.Layers < PipelineParallel)
        {
            throw new ArgumentException($"pipeline_parallel {PipelineParallel} exceeds the {Model.Layers} layers of {Model.Id}");
        }

        if (Accelerators > 1 && Accelerator.ScaleUpGBps is not > 0)
        {
            throw new ArgumentException($"{Accelerator.Id} has no scale-up link in the catalog, so tensor_parallel and pipeline_parallel must be 1");
        }

        if (Speculative?.DraftModel is { } drafter && drafter.Heads % TensorParallel != 0)
        {
            // The drafter runs on the target's tensor-parallel group (StepTimeModel.Drafter), split as the target is.
            throw new ArgumentException($"draft model {drafter.Id} has {drafter.Heads} attention heads, which tensor_parallel {TensorParallel} does not divide (the drafter runs on the target's tensor-parallel group); use a draft model whose heads it divides");
        }

        if (DomainProblem(TensorParallel) is { } spans)
        {
            throw new ArgumentException(spans);
        }

        if (PipelineHopsAcrossDomains > 0 && Accelerator.ScaleOutGBps is not > 0)
        {
            throw new ArgumentException($"pipeline_parallel {PipelineParallel} x tensor_parallel {TensorParallel} spans more than one of {Accelerator.Id}'s scale-up domains of {Accelerator.ScaleUpDomain}, and the catalog gives no scale-out bandwidth (scale_out_gb_s) for the hand-offs between them; give it in a hardware CSV, or keep the replica within {Accelerator.ScaleUpDomain} accelerators");
        }

        _ = Accelerator.PeakFlops(ComputePrecision);
        double perDevice = WeightBytes / Accelerators;
        double usable = (Accelerator.MemoryBytes * (1 - MemoryReserve)) - RuntimeBytesPerAccelerator;
        // An engine refuses to start without room for one sequence; we ask for one of min(context, 4096) tokens.
        int oneSequence = Math.Min(Model.MaxContext, MinimumSequenceTokens);
        if (usable <= 0)
        {
            // More accelerators cannot help: each one's engine runtime alone takes its memory.
            throw new ArgumentException(
                $"{Model.Id} does not fit: the engine's runtime takes {RuntimeBytesPerAccelerator / 1073741824.0:F1} GiB of each {Accelerator.Id}'s " +
                $"{Accelerator.MemoryBytes * (1 - MemoryReserve) / 1073741824.0:F1} GiB" +
                (Engine == ServingEngine.Vllm ? " at these batch limits (vLLM's start-up profile grows with max_sequences and max_batched_tokens)" : string.Empty) +
                ", leaving nothing for weights or the KV cache; " + (Engine == ServingEngine.Vllm ? "lower the batch limits or the memory reserve" : "lower the memory reserve"));
        }

        if (perDevice >= usable || KvBlocks < SequenceBlocks(oneSequence))
        {
            int needed = (int)Math.Ceiling(WeightBytes / (usable * 0.8));
            int tensorParallel = TensorParallelAtLeast(needed);
            throw new ArgumentException(
                $"{Model.Id} does not fit: {WeightBytes / 1e9:F0} GB of {Weights} weights on {Accelerators} x {Accelerator.Id} " +
                $"({usable / 1e9:F0} GB usable each) leaves {Math.Max(0, KvCapacityBytes) / 1e9:F1} GB for the KV cache; " +
                $"use at least {needed} accelerators (tensor_parallel x pipeline_parallel) or smaller weights" +
                (tensorParallel != needed && tensorParallel > 0 ? $" (as tensor parallelism alone: {tensorParallel}{(DomainsOf(tensorParallel) > 1 ? $", {DomainsOf(tensorParallel)} scale-up domains of {Accelerator.ScaleUpDomain}" : string.Empty)})" : string.Empty));
        }

        return this;
    }
}
