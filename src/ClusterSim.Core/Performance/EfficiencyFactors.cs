namespace ClusterSim.Core.Performance;

/// <summary>
/// How far real kernels and a real engine fall short of the roofline, one named term each: GEMMs (by batch size),
/// weight streaming, attention, KV reads, tensor-parallel collectives, the engine's CPU work per step and per
/// sequence, and the front end's latency per request. Values come from the calibration catalog; an experiment can
/// override each.
/// </summary>
public sealed record EfficiencyFactors
{
    /// <summary>Fraction of the dense peak that large matrix multiplies reach.</summary>
    public double Compute { get; init; } = 0.5;

    /// <summary>
    /// Tokens at which a GEMM reaches half of <see cref="Compute"/>: small-M GEMMs waste most of each tile and wait on
    /// launches, so a GEMM over M tokens costs as much arithmetic as one over M + this many at full efficiency.
    /// </summary>
    public double GemmHalfTokens { get; init; } = 64;

    /// <summary>
    /// The rows of tile waste a grouped expert GEMM pays for each expert a step touches, where the mixture-of-experts kernels
    /// tile differently from the dense GEMMs <see cref="GemmHalfTokens"/> was measured on — TensorRT-LLM's Blackwell MoE
    /// kernels (trtllm-gen) put at most 64 tokens an expert in a tile, where its dense FP4 GEMMs waste 256 rows a call. 0
    /// where not set apart: experts pay <see cref="GemmHalfTokens"/>.
    /// </summary>
    public double ExpertHalfTokens { get; init; }

    /// <summary>The rows of tile waste an expert a step touches pays: <see cref="ExpertHalfTokens"/> where set, else <see cref="GemmHalfTokens"/>.</summary>
    public double ExpertTileRows => ExpertHalfTokens > 0 ? ExpertHalfTokens : GemmHalfTokens;

    /// <summary>
    /// Time every GEMM kernel takes whatever its size (launch, ramp-up and tail), seconds: a layer's four projections (an
    /// MoE layer's router and two grouped expert GEMMs too) and the LM head pay it once each per iteration, after their
    /// roofline. It is what keeps small matrices (a small model split over many accelerators) from reaching the bandwidth
    /// large ones do.
    /// </summary>
    public double GemmKernelSeconds { get; init; }

    /// <summary>
    /// Per-accelerator expert width (intermediate size) at which a mixture-of-experts layer's grouped expert GEMMs reach
    /// half of <see cref="Compute"/>: they reach w / (w + this) of it for a width w. Tensor parallelism slices every expert
    /// (vLLM's default), so an expert's down projection sums over only w = intermediate / TP products a tile, and its
    /// tiles spend more of their time loading and storing than multiplying. 0 for a calibration fitted without MoE runs
    /// (or one whose compute factor already includes their losses): the experts then run as dense GEMMs.
    /// </summary>
    public double ExpertHalfWidth { get; init; }

    /// <summary>
    /// Fraction of the expert GEMMs' efficiency that a mixture-of-experts layer reaches when its expert weights are stored
    /// narrower than the arithmetic and widened inside the grouped kernels — 4-bit experts on a chip without a 4-bit
    /// peak, 8-bit ones without an 8-bit peak (vLLM's fused-MoE Marlin and Triton MXFP4 kernels). They spend issue slots
    /// on the conversion and, on Hopper, do not use its asynchronous warpgroup matrix instructions, so where the
    /// arithmetic decides (prefill) they fall well short of 16-bit grouped GEMMs; where weight streaming decides (decode)
    /// the narrower bytes still win. Dense GEMMs of widened weights (Machete on Hopper) are not measured here and run at
    /// the 16-bit efficiency. 1 where not measured.
    /// </summary>
    public double DequantExpert { get; init; } = 1;

    /// <summary>Fraction of memory bandwidth that weight reads reach.</summary>
    public double Memory { get; init; } = 0.7;

    /// <summary>Fraction of the BF16 peak that attention math (QKᵀ and AV, FlashAttention-style) reaches.</summary>
    public double Attention { get; init; } = 0.4;

    /// <summary>
    /// Fraction of the BF16 peak that multi-head latent attention (DeepSeek's MLA: 192-wide query-key and 128-wide value
    /// heads over a compressed cache) reaches, where its kernels are not the engine's FlashAttention-style ones — SGLang's
    /// on ROCm ran DeepSeek-R1's 8k prompts at a fraction of the rate its 1k prompts set. 0 where not measured apart: MLA
    /// then runs at <see cref="Attention"/>.
    /// </summary>
    public double MlaAttention { get; init; }

    /// <summary>The attention efficiency a model runs at: <see cref="MlaAttention"/> for an MLA model where it is set, else <see cref="Attention"/>.</summary>
    public double AttentionFor(bool mla) => mla && MlaAttention > 0 ? MlaAttention : Attention;

    /// <summary>Fraction of memory bandwidth that paged KV-cache reads in attention reach.</summary>
    public double KvRead { get; init; } = 0.6;

    /// <summary>
    /// Fraction of memory bandwidth that a hybrid's recurrent layers reach when a decode step reads each sequence's
    /// state and writes it back (Mamba-2's selective state update, Gated DeltaNet's fused recurrence). 0 where not
    /// measured for the row: <see cref="RecurrentKernels.StateUpdateShareOfKvRead"/> of <see cref="KvRead"/> (<see cref="StateUpdateFor"/>).
    /// </summary>
    public double StateUpdate { get; init; }

    /// <summary>The recurrent state's update efficiency: <see cref="StateUpdate"/> where set, else <see cref="RecurrentKernels.StateUpdateShareOfKvRead"/> of <see cref="KvRead"/>.</summary>
    public double StateUpdateFor => StateUpdate > 0 ? StateUpdate : KvRead * RecurrentKernels.StateUpdateShareOfKvRead;

    /// <summary>
    /// Fraction of the BF16 peak a hybrid's recurrent layers reach on a prompt's chunk (their chunked scan) on the
    /// nominal six FLOPs a state element a token. 0 where not measured for the row: <see cref="RecurrentKernels.ScanShareOfBf16Peak"/> (<see cref="ScanFor"/>).
    /// </summary>
    public double Scan { get; init; }

    /// <summary>The chunked scan's efficiency: <see cref="Scan"/> where set, else <see cref="RecurrentKernels.ScanShareOfBf16Peak"/>.</summary>
    public double ScanFor => Scan > 0 ? Scan : RecurrentKernels.ScanShareOfBf16Peak;

    /// <summary>Fraction of the scale-up link's bandwidth that collectives reach.</summary>
    public double Link { get; init; } = 0.7;

    /// <summary>
    /// Latency of one step of a collective (α in the α–β model), seconds: a tensor-parallel all-reduce over n GPUs takes
    /// 2(n−1) of them, an all-to-all n−1, a pipeline hand-off one.
    /// </summary>
    public double CollectiveLatencySeconds { get; init; } = 2e-6;

    /// <summary>
    /// A collective's fixed cost whatever the group's size, seconds: its kernel's launch and the ranks' barrier, paid once
    /// beside the ring's <see cref="CollectiveLatencySeconds"/> a step (TensorRT-LLM's 2024 all-reduce kernels over NVLink,
    /// NCCL over PCIe); 0 unless a calibration row gives it.
    /// </summary>
    public double CollectiveLaunchSeconds { get; init; }

    /// <summary>
    /// Latency of one step of a collective on the scale-out network, seconds, for a tensor-parallel group wider than its
    /// scale-up domain (<see cref="Collective.AllReduceAcrossDomains"/>) and a pipeline hand-off between domains: nccl-tests' two-node figure
    /// (<see cref="Collective.NetworkStepLatencySeconds"/>) unless a calibration row or an experiment gives one.
    /// </summary>
    public double NetworkLatencySeconds { get; init; } = Collective.NetworkStepLatencySeconds;

    /// <summary>CPU time of one engine step that the GPU waits for (scheduling, input preparation, launches), seconds.</summary>
    public double IterationOverheadSeconds { get; init; } = 0.002;

    /// <summary>CPU time per sequence in a step (sampling, bookkeeping, detokenising its token), seconds.</summary>
    public double SequenceOverheadSeconds { get; init; }

    /// <summary>Front-end latency of one request before the engine sees it (HTTP, tokenising, queue hand-off), seconds.</summary>
    public double RequestOverheadSeconds { get; init; }

    /// <summary>
    /// SM clock cycles the engine's sampler spends per sequence and vocabulary entry when requests filter by top-p or
    /// top-k (<see cref="SamplingMode.Filtered"/>): vLLM's default paths rank every sequence's logits over the whole
    /// vocabulary (PyTorch's sort, a Triton kernel from late 2025; FlashInfer's sort-free kernel since
    /// vllm-project/vllm#40376, <see cref="SamplerKernel"/>), so each step pays sequences × vocabulary × this over the
    /// accelerator's SMs × clock (<see cref="Catalog.AcceleratorSpec.SmGhz"/>). The ranking is bound by the SMs' passes,
    /// not by memory: it reads half a megabyte a row in some 20 µs, and #40376's B200 takes 0.76 of the H100's time for
    /// 2.4 times its bandwidth. The cost falls on every tensor-parallel rank alike, which samples the gathered logits in
    /// full. 0 where not measured.
    /// </summary>
    public double SamplerCyclesPerEntry { get; init; }

    /// <summary>Throws when a factor is outside its meaningful range.</summary>
    public EfficiencyFactors Validated()
    {
        foreach (var (name, value) in new[] { ("compute", Compute), ("dequant_expert", DequantExpert), ("memory", Memory), ("attention", Attention), ("kv_read", KvRead), ("link", Link) })
        {
            if (value is <= 0 or > 1 || double.IsNaN(value))
            {
                throw new ArgumentException($"efficiency {name} must be in (0, 1], got {value}");
            }
        }

        if (MlaAttention is < 0 or > 1 || double.IsNaN(MlaAttention))
        {
            throw new ArgumentException($"efficiency mla_attention must be in (0, 1], or 0 for the attention efficiency, got {MlaAttention}");
        }

        if (StateUpdate is < 0 or > 1 || double.IsNaN(StateUpdate))
        {
            throw new ArgumentException($"efficiency state_update must be in (0, 1], or 0 for a quarter of the KV-read efficiency, got {StateUpdate}");
        }

        if (Scan is < 0 or > 1 || double.IsNaN(Scan))
        {
            throw new ArgumentException($"efficiency scan must be in (0, 1], or 0 for {RecurrentKernels.ScanShareOfBf16Peak} of the BF16 peak, got {Scan}");
        }

        if (GemmHalfTokens < 0 || ExpertHalfTokens < 0 || ExpertHalfWidth < 0 || GemmKernelSeconds < 0 || IterationOverheadSeconds < 0 || CollectiveLatencySeconds < 0 || CollectiveLaunchSeconds < 0 || NetworkLatencySeconds < 0 || SequenceOverheadSeconds < 0 || RequestOverheadSeconds < 0 || SamplerCyclesPerEntry < 0 || double.IsNaN(SamplerCyclesPerEntry))
        {
            throw new ArgumentException("overheads, latencies, gemm_half_tokens, expert_half_tokens, expert_half_width, gemm_kernel_us and sampler_sm_cycles_per_entry must not be negative");
        }

        return this;
    }
}
