using System.Runtime.CompilerServices;
using ClusterSim.Core.Catalog;

namespace ClusterSim.Core.Performance;

/// <summary>
/// Time of one serving iteration as a sum of named terms, each its own roofline over the replica's tensor-parallel
/// accelerators: dense GEMMs (efficiency falling for small token counts; arithmetic and weight streaming overlapping
/// imperfectly near the ridge), routed-expert grouped GEMMs (tokens per expert) and the combine of their outputs, attention (FLOP-bound in prefill, KV-read-bound in decode), tensor- and pipeline-parallel collectives
/// (latency + bytes over the link), the engine's CPU time per step and per sequence, and the sampler's ranking of the
/// vocabulary when requests filter by top-p or top-k. Constants are folded at
/// construction so that one evaluation is a handful of multiplications.
/// </summary>
public sealed class StepTimeModel
{
    private const double ActivationBytes = TensorRtLlmAllReduce.ActivationBytes;   // activations stay in BF16 between layers

    private readonly double _bodyFlopsPerToken;
    private readonly double _headFlopsPerSequence;
    private readonly double _gemmHalfTokens;
    private readonly double _expertTileRows;
    private readonly double _denseKernelsSeconds;
    private readonly double _expertKernelsSeconds;
    private readonly double _secondsPerGemmFlop;
    private readonly double _secondsPerExpertGemmFlop;
    private readonly double _secondsPerWeightByte;
    private readonly double _denseWeightBytes;
    private readonly double _activeWeightBytes;
    private readonly int _moeLayers;
    private readonly int _experts;
    private readonly bool _collapsedRouting;   // every token goes to the same top-k experts
    private readonly int _topK;
    private readonly double _topKFraction;
    private readonly double _expertFlops;
    private readonly double _expertBytesPerLayer;
    private readonly double _combineSecondsPerToken;   // a token's expert outputs written and read back to be summed, on its busiest rank
    private readonly bool _expertsWhole;   // expert parallelism: each rank holds whole experts and combines only their outputs
    private readonly double _attentionFlopsPerContextToken;
    private readonly double _secondsPerAttentionFlop;
    private readonly double _kvBytesPerToken;
    private readonly double _secondsPerKvByte;
    private readonly double _fullAttentionShare;   // of the layers; the rest attend over the sliding window
    private readonly double _windowShare;
    private readonly double _window;
    private readonly double _linearFlopsPerToken;   // the linear layers' recurrence; 0 without them
    private readonly double _linearStateBytesPerSequence;   // each step reads a sequence's state and writes it back
    private readonly double _secondsPerStateByte;   // ... at the recurrent update's efficiency (EfficiencyFactors.StateUpdateFor)
    private readonly double _secondsPerRecurrenceFlop;   // a prompt's chunked scan (EfficiencyFactors.ScanFor)
    private readonly double _indexerFlopsPerContextToken;   // sparse attention's indexer, over the whole context; 0 without it
    private readonly double _secondsPerIndexerFlop;
    private readonly double _indexerBytesPerToken;
    private readonly double _blockSecondsPerToken;   // one decode-attention block's walk of a context token through every layer; 0 when the engine splits contexts
    private readonly int _blocksPerSequence;   // decode-attention blocks a sequence runs on a rank (DecodeAttentionBlocks.BlocksPerSequence)
    private readonly int _blockSlots;   // blocks that run at once: the SMs
    private readonly SpeculativeDecoding? _speculative;
    private readonly StepTimeModel? _drafter;   // one drafted token's forward pass (draft model or draft head); null for n-gram drafts
    // The host's cost of one pass of the drafter, s: vLLM's proposer steps the drafter once a drafted token from Python,
    // each pass a forward of its own that pays the engine's per-step host cost (the calibration's step overhead) before the
    // next can start (measured on inference-perf's EAGLE3 sweep: four passes a step made a speculating step some 4 ms longer
    // at small batches than its GEMMs explain); SGLang and TensorRT-LLM run the draft loop without the host between passes.
    private readonly double _draftPassHostSeconds;
    private readonly AllReduceSchedule _tensorParallel;   // the tensor-parallel collectives, by the kernel a step's message takes
    private readonly double _pipelineFixedSeconds;   // the pipeline stages' hand-offs
    private readonly double _pipelineSecondsPerToken;
    private readonly double _stepSeconds;
    private readonly double _sequenceSeconds;
    private readonly int _multiStep;   // decode steps a scheduling pass covers (VllmMultiStep); 1 schedules every step
    private readonly double _samplerSecondsPerRow;   // ranking the vocabulary for one logit row (filtered sampling only)
    private readonly double _allToAllSecondsPerToken;
    private readonly double _allToAllFixedSeconds;
    private readonly int _attentionRanks;   // 1 unless attention is data-parallel (ServingDeployment.AttentionDataParallel)
    private readonly double _replicatedFlopsPerToken;   // under attention data parallelism: the GEMMs each rank runs whole (attention projections, or every dense one)
    private readonly double _replicatedWasteTokens;   // the tile waste of the other ranks' replicated GEMMs, tokens

    // The dense GEMM term by (new tokens, logit rows): a pure function of the two, remembered in a small direct-mapped
    // table because consecutive iterations repeat shapes and its cube root is the costliest arithmetic of a step. A
    // model belongs to one run, which one thread simulates, so the table needs no locking.
    private const int DenseMemoSize = 256;
    private readonly long[] _denseMemoKeys = new long[DenseMemoSize];
    private readonly double[] _denseMemoValues = new double[DenseMemoSize];

    /// <summary>Builds the model for a validated deployment.</summary>
    public StepTimeModel(ServingDeployment deployment)
    {
        Deployment = deployment.Validated();
        ModelSpec model = deployment.Model;
        AcceleratorSpec chip = deployment.Accelerator;
        EfficiencyFactors eff = deployment.Efficiency;
        int tp = deployment.TensorParallel, pp = deployment.PipelineParallel;
        double bytes = deployment.WeightBytesPerElement;   // scales included (ServingDeployment.WeightBitsPerElement)

        // Pipeline stages run one after another within an iteration, so only tensor parallelism divides the work.
        _secondsPerGemmFlop = 1.0 / (chip.PeakFlops(deployment.ComputePrecision) * eff.Compute * tp);
        // Grouped expert GEMMs over each accelerator's slice of the experts (whole experts under expert parallelism).
        double expertWidth = deployment.MoeRouting is { ExpertParallel: > 0 } ? model.ExpertFfn : (double)model.ExpertFfn / tp;
        _secondsPerExpertGemmFlop = eff.ExpertHalfWidth > 0 && expertWidth > 0
            ? _secondsPerGemmFlop * (expertWidth + eff.ExpertHalfWidth) / expertWidth
            : _secondsPerGemmFlop;
        // Expert weights stored narrower than the arithmetic are widened inside the grouped kernels (EfficiencyFactors.DequantExpert).
        if (deployment.WidensExperts)
        {
            _secondsPerExpertGemmFlop /= eff.DequantExpert;
        }
        _secondsPerWeightByte = 1.0 / (chip.MemoryBytesPerSecond * eff.Memory * tp);
        _gemmHalfTokens = eff.GemmHalfTokens;
        _expertTileRows = eff.ExpertTileRows;
        // Kernel floors: four projections a layer (QKV, output, gate-and-up, down) and the LM head, three more an MoE layer
        // (router, grouped gate-and-up, grouped down); pipeline stages run in turn, and tensor parallelism splits each
        // kernel without removing one.
        _denseKernelsSeconds = ((4.0 * model.Layers) + (model.Vocab > 0 ? 1 : 0)) * eff.GemmKernelSeconds;
        _expertKernelsSeconds = 3.0 * model.MoELayers * eff.GemmKernelSeconds;

        double head = (double)model.Vocab * model.Hidden;
        _moeLayers = model.MoELayers;
        _experts = model.Experts;
        _collapsedRouting = deployment.CollapsedRouting;
        _topK = model.TopK;
        _topKFraction = model.IsMoE ? model.TopK / (double)model.Experts : 0;
        double routedActive = (double)_moeLayers * model.TopK * model.ExpertParameters;
        // The non-expert layers and the LM head multiply in their own formats' arithmetic (a 16-bit head beside FP8
        // layers, gpt-oss's 16-bit attention beside its MXFP4 experts on a chip with a 4-bit peak), expressed as FLOPs at
        // the layers' rate.
        double peak = chip.PeakFlops(deployment.ComputePrecision);
        double denseScale = peak / chip.PeakFlops(deployment.DenseComputePrecision);
        _bodyFlopsPerToken = 2 * (model.ActiveParameters - model.EmbeddingParameters - routedActive) * denseScale;
        _headFlopsPerSequence = 2 * head * peak / chip.PeakFlops(deployment.HeadComputePrecision);
        _expertFlops = 2 * model.ExpertParameters * _moeLayers;
        _expertBytesPerLayer = model.ExpertParameters * bytes;
        // Each part is read at its own width: the routed experts at the weights', the other layers at
        // ServingDeployment.DenseFormat's, the LM head at HeadFormat's (16 bits in a quantised datacenter checkpoint). The
        // input embedding is a lookup of a few rows, not a read of the table.
        double denseBytes = deployment.DenseBytesPerElement, headBytes = head * deployment.HeadBytesPerElement;
        double body = model.TotalParameters - model.RoutedExpertParameters - model.EmbeddingParameters;
        _denseWeightBytes = (body * denseBytes) + headBytes;
        _activeWeightBytes = ((model.ActiveParameters - model.EmbeddingParameters - routedActive) * denseBytes) + (routedActive * bytes) + headBytes;
        _attentionRanks = deployment.AttentionRanks;
        if (_attentionRanks > 1)
        {
            // Every rank reads the weights it holds whole (the attention projections; every non-expert weight when the
            // experts are reached by all-to-all) and runs them as GEMMs of its own tokens, each with its tile waste; an
            // uneven step's busiest rank has more tokens (BatchShape.UnevenTokens). The input table is looked up, not read.
            double replicated = (_attentionRanks - 1) * (deployment.DispatchesAllToAll ? (body * denseBytes) + headBytes : deployment.ReplicatedParameters * denseBytes);
            _denseWeightBytes += replicated;
            _activeWeightBytes += replicated;
            _replicatedFlopsPerToken = deployment.DispatchesAllToAll ? _bodyFlopsPerToken : 2 * model.MixerParameters * denseScale;
            _replicatedWasteTokens = (_attentionRanks - 1) * _gemmHalfTokens;
        }

        _attentionFlopsPerContextToken = model.AttentionFlopsPerContextToken;
        _secondsPerAttentionFlop = 1.0 / (chip.PeakFlops(Precision.BF16) * eff.AttentionFor(model.IsMla) * tp);
        // Copies included: each accelerator reads the heads it holds. The indexer's keys are its own term's (below).
        _kvBytesPerToken = deployment.KvBytesPerToken - deployment.IndexerBytesPerToken;
        _secondsPerKvByte = 1.0 / (chip.MemoryBytesPerSecond * eff.KvRead * tp);
        _windowShare = model.SlidingWindowShare;
        _fullAttentionShare = 1 - _windowShare;
        _window = model.SlidingWindow;
        if (model.SparseTopK > 0)
        {
            // Sparse attention reads at most the top-k tokens of each query's context: a window over every layer for the
            // attention's arithmetic and reads, though the cache keeps every token (the indexer picks among them all).
            _windowShare = 1;
            _fullAttentionShare = 0;
            _window = model.SparseTopK;
            _indexerFlopsPerContextToken = model.IndexerFlopsPerContextToken;
            _indexerBytesPerToken = deployment.IndexerBytesPerToken;
            // The indexer scores in FP8 where the chip has it (DeepSeek's and vLLM's kernels do), at the attention's
            // efficiency; vLLM replicates its projections (ReplicatedLinear), so every rank of the group scores all its
            // heads for every token: tensor parallelism does not divide that arithmetic, as it does not divide its cache.
            Precision scoring = chip.Fp8Tflops is > 0 ? Precision.FP8 : Precision.BF16;
            _secondsPerIndexerFlop = 1.0 / (chip.PeakFlops(scoring) * eff.AttentionFor(model.IsMla));
        }
        _linearFlopsPerToken = model.LinearFlopsPerToken;
        _linearStateBytesPerSequence = 2 * deployment.LinearStateBytes;
        _secondsPerStateByte = 1.0 / (chip.MemoryBytesPerSecond * eff.StateUpdateFor * tp);
        _secondsPerRecurrenceFlop = 1.0 / (chip.PeakFlops(Precision.BF16) * eff.ScanFor * tp);
        _speculative = deployment.Speculative;
        _drafter = _speculative switch
        {
            { Method: SpeculativeMethod.Draft, DraftModel: { } draft } => Drafter(deployment, draft),
            { Method: SpeculativeMethod.Eagle } => Drafter(deployment, SpeculativeDecoding.DraftHead(model)),
            _ => null,
        };

        double linkBytesPerSecond = LinkBytesPerSecond(deployment) * eff.Link;
        // A replica wider than the scale-up domain (whole domains: ServingDeployment checks) reaches the other domains over
        // the scale-out network, at the same share of its bandwidth as the calibration gives the scale-up link.
        int domain = chip.ScaleUpDomain ?? int.MaxValue;
        double networkBytesPerSecond = deployment.CrossesNetwork ? deployment.ScaleOutBytesPerSecond() * eff.Link : 0;
        double hiddenBytes = model.Hidden * ActivationBytes;
        _tensorParallel = new AllReduceSchedule(0, 0);
        if (tp > 1)
        {
            // Two all-reduces per layer (after attention and after the MLP), split into their latency (a launch and the
            // ring's steps) and their bytes per token of the batch. Under attention data parallelism, an all-gather before each MLP and a
            // reduce-scatter after it: two collectives, each with the latency the calibration gives a collective (their
            // ring steps are half an all-reduce's, but a small message's time is its launch and synchronisation), and
            // an all-reduce's bytes between them.
            int allReduces = 2 * model.Layers;
            int byteRounds = allReduces;
            if (_attentionRanks > 1)
            {
                // (None when every rank holds the dense MLPs and all-to-alls reach the experts.)
                int gathered = deployment.DispatchesAllToAll ? 0 : model.LayersWithMlp;
                (allReduces, byteRounds) = (2 * gathered, gathered);
            }

            // A TensorRT-LLM release before 1.0 sends its small messages to its own one-shot kernel on an NVLink group.
            _tensorParallel = TensorRtLlmAllReduce.Applies(deployment)
                ? AllReduceSchedule.TensorRtLlm(allReduces, hiddenBytes, tp, linkBytesPerSecond, eff.CollectiveLaunchSeconds, eff.CollectiveLatencySeconds)
                : new AllReduceSchedule(
                    allReduces * (eff.CollectiveLaunchSeconds
                        + Collective.AllReduceAcrossDomains(0, tp, domain, linkBytesPerSecond, networkBytesPerSecond, eff.CollectiveLatencySeconds, eff.NetworkLatencySeconds)),
                    byteRounds * Collective.AllReduceAcrossDomains(hiddenBytes, tp, domain, linkBytesPerSecond, networkBytesPerSecond, 0, 0));
        }

        if (pp > 1)
        {
            // Each hand-off sends a token's hidden state to the next stage: over the scale-up link within a domain, over
            // the network between domains.
            int across = deployment.PipelineHopsAcrossDomains, inside = pp - 1 - across;
            _pipelineFixedSeconds = (inside * eff.CollectiveLatencySeconds) + (across * eff.NetworkLatencySeconds);
            _pipelineSecondsPerToken = (inside * hiddenBytes / linkBytesPerSecond) + (across > 0 ? across * hiddenBytes / networkBytesPerSecond : 0);
        }

        _stepSeconds = eff.IterationOverheadSeconds;
        _draftPassHostSeconds = deployment.Engine == ServingEngine.Vllm ? _stepSeconds : 0;
        // Each attending rank schedules and samples its own sequences, in parallel with the others.
        _sequenceSeconds = eff.SequenceOverheadSeconds / _attentionRanks;
        _multiStep = deployment.MultiStep;
        if (DecodeAttentionBlocks.OneBlockPerHead(deployment) && chip.Sms is int sms && chip.SustainedSmClockGhz is double smClockGhz)
        {
            // A block a KV head (XQA) or a query head (the masked kernel), of the rank's share, at least one.
            _blocksPerSequence = DecodeAttentionBlocks.BlocksPerSequence(model, tp);
            _blockSlots = sms;
            _blockSecondsPerToken = model.AttentionLayers * DecodeAttentionBlocks.CyclesPerToken / (smClockGhz * 1e9);
        }

        // Every rank samples the gathered logits in full, so tensor parallelism does not divide the sampler's work.
        _samplerSecondsPerRow = deployment.Sampling == SamplingMode.Filtered
            ? (double)model.Vocab * eff.SamplerCyclesPerEntry * SamplerKernels.ShareOfRanking(deployment.SamplerKernel) / (SamplerKernels.SmGhzOf(chip) * 1e9) / _attentionRanks
            : 0;
        int ep = ExpertParallel;
        if (model.IsMoE)
        {
            // The combine: a grouped down projection writes each of a token's k expert outputs at the full hidden width
            // (BF16), and a reduction reads them back into one — an element-wise pass at HBM speed that no GEMM hides.
            // With the experts sliced over tensor parallelism every rank writes a partial output for every (token, expert)
            // pair, so the group does not divide it; whole experts on ep ranks do, a rank combining its own pairs.
            _expertsWhole = deployment.MoeRouting is { ExpertParallel: > 0 };
            double pairs = model.TopK / (_expertsWhole ? (double)ep : 1);
            _combineSecondsPerToken = _moeLayers * 2 * pairs * hiddenBytes / (chip.MemoryBytesPerSecond * eff.Memory);
        }

        if (model.IsMoE && ep > 1 && (_attentionRanks == 1 ? deployment.MoeRouting?.Dispatch != Moe.ExpertDispatch.AllReduce : deployment.DispatchesAllToAll))
        {
            // Dispatch and combine: two all-to-alls per MoE layer, each token's hidden state sent to its k experts (none
            // when the tensor-parallel attention leaves every token on every rank and the all-reduce combines the experts).
            double perToken = model.TopK * hiddenBytes;
            _allToAllSecondsPerToken = 2.0 * _moeLayers * Collective.AllToAllAcrossDomains(perToken / ep, ep, domain, linkBytesPerSecond, networkBytesPerSecond, 0, 0);
            _allToAllFixedSeconds = 2.0 * _moeLayers * (eff.CollectiveLaunchSeconds
                + Collective.AllToAllAcrossDomains(0, ep, domain, linkBytesPerSecond, networkBytesPerSecond, eff.CollectiveLatencySeconds, eff.NetworkLatencySeconds));
        }

        // Every iteration reads the dense weights, pays the step's overhead (a multi-step window's share of it) and the
        // collectives' latency; the other terms only add. A part in 10¹² below covers the sums' different rounding.
        double floor = (_denseWeightBytes * _secondsPerWeightByte) + _denseKernelsSeconds + _expertKernelsSeconds + _tensorParallel.FloorSeconds + _pipelineFixedSeconds + (_stepSeconds / _multiStep);
        IterationFloorNanos = Math.Max(1, (long)Math.Floor(floor * 1e9 * (1 - 1e-12)));
    }

    /// <summary>No iteration of any shape is shorter than this, ns (a macro-step that cannot fit two iterations before the next arrival is not worth timing).</summary>
    public long IterationFloorNanos { get; }

    /// <summary>The deployment this model times.</summary>
    public ServingDeployment Deployment { get; }

    /// <summary>
    /// The drafter runs on the target's tensor-parallel group with its calibration, as a part of the target's step (its
    /// passes' host cost is the draft-pass host cost): on one pipeline stage (the last, which holds the logits it drafts from), not split over the
    /// stages as the target is — a one-layer draft head cannot be.
    /// </summary>
    private static StepTimeModel Drafter(ServingDeployment target, ModelSpec drafter) =>
        new(target with { Model = drafter, Speculative = null, MemoryReserve = 0, RuntimeBytesPerAccelerator = 0, PipelineParallel = 1 });

    /// <summary>Speculative decoding of the deployment; null when off.</summary>
    public SpeculativeDecoding? Speculative => _speculative;

    /// <summary>
    /// The iteration <paramref name="shape"/> with speculative decoding for its <paramref name="decoders"/> decoding
    /// sequences, whose contexts sum to <paramref name="decodeContext"/>: each verifies k drafted tokens beside its own
    /// (k more new tokens and logits, attending its context and the drafts before them), and the drafter runs k times
    /// over those sequences first. Unchanged without speculative decoding or decoders.
    /// </summary>
    public BatchShape Speculate(in BatchShape shape, int decoders, double decodeContext)
    {
        if (_speculative is null || decoders == 0)
        {
            return shape;
        }

        int k = _speculative.Tokens;
        double draft = 0;
        if (_drafter is not null)
        {
            IterationTerms step = _drafter.Terms(BatchShape.Decode(decoders, decodeContext));
            draft = k * (step.DenseGemm + step.ExpertGemm + step.Attention + step.Collectives + _draftPassHostSeconds);
        }

        return shape with
        {
            NewTokens = shape.NewTokens + (decoders * k),
            AttentionContext = shape.AttentionContext + (k * decodeContext) + (decoders * (k * (k + 1) / 2.0)),
            LogitTokens = shape.Sequences + (decoders * k),
            DraftSeconds = draft,
        };
    }

    /// <summary>Front-end latency each request spends before the engine sees it, ns.</summary>
    public long RequestOverheadNanos => (long)Math.Round(Deployment.Efficiency.RequestOverheadSeconds * 1e9);

    /// <summary>Accelerators a replica's experts are spread over (the tensor-parallel group unless set).</summary>
    public int ExpertParallel => Deployment.MoeRouting is { ExpertParallel: > 0 } r ? r.ExpertParallel : Deployment.TensorParallel;

    /// <summary>The scale-up link's bandwidth per accelerator, bytes/s; only a single accelerator may lack one.</summary>
    private static double LinkBytesPerSecond(ServingDeployment deployment) =>
        deployment.Accelerator.ScaleUpGBps is > 0 and double gbps ? gbps * 1e9
        : deployment.Accelerators == 1 ? double.PositiveInfinity
        : throw new ArgumentException($"{deployment.Accelerator.Id} has no scale-up bandwidth in the catalog, so it cannot run tensor or pipeline parallelism");

    /// <summary>The iteration's time split into its named terms, under the uniform expectation of expert routing.</summary>
    public IterationTerms Terms(in BatchShape shape)
    {
        double touched = _experts == 0 ? 0 : ExpectedExpertsTouched(RoutedDistinct(shape));
        double expertCompute = _expertFlops * ((shape.NewTokens * (double)_topK) + (touched * _expertTileRows)) * _secondsPerExpertGemmFlop;
        double expertMemory = _moeLayers * _expertBytesPerLayer * touched * _secondsPerWeightByte;
        return Compose(shape, expertCompute, expertMemory, _combineSecondsPerToken * shape.NewTokens, 0);
    }

    /// <summary>
    /// The iteration's terms with sampled routing: the busiest accelerator sets the expert compute (imbalance × its fair
    /// share), the accelerator with the most distinct experts to read sets the expert weight traffic, and the
    /// dispatch/combine all-to-alls are added.
    /// </summary>
    public IterationTerms Terms(in BatchShape shape, in Moe.RoutingOutcome routing)
    {
        if (shape.NewTokens == 0 || _moeLayers == 0 || routing.IsNone)
        {
            return Terms(shape);
        }

        int tp = Deployment.TensorParallel;
        double perAccelerator = routing.MaxExpertsTouchedPerAccelerator * (double)tp;
        double expertCompute = _expertFlops * ((shape.NewTokens * (double)_topK * routing.Imbalance) + (perAccelerator * _expertTileRows)) * _secondsPerExpertGemmFlop;
        // Per-accelerator expert bytes over per-accelerator bandwidth; _secondsPerWeightByte already divides by tp.
        double expertMemory = _moeLayers * _expertBytesPerLayer * perAccelerator * _secondsPerWeightByte;
        double allToAll = (_allToAllSecondsPerToken * shape.NewTokens) + _allToAllFixedSeconds;
        // Under expert parallelism the busiest rank combines the most pairs; sliced experts leave every rank all of them.
        double combine = _combineSecondsPerToken * shape.NewTokens * (_expertsWhole ? routing.Imbalance : 1);
        return Compose(shape, expertCompute, expertMemory, combine, allToAll);
    }

    /// <summary>The cost of one iteration of the given shape.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public IterationCost Iteration(in BatchShape shape) => shape.NewTokens == 0 ? default : Terms(shape).Cost;

    /// <summary>The cost of one iteration with sampled expert routing.</summary>
    public IterationCost Iteration(in BatchShape shape, in Moe.RoutingOutcome routing) =>
        shape.NewTokens == 0 ? default : Terms(shape, routing).Cost;

    /// <summary>The same iteration for a dense model with this model's active parameters (all weights read every time).</summary>
    public long DenseEquivalentNanos(in BatchShape shape)
    {
        if (shape.NewTokens == 0)
        {
            return 0;
        }

        double gemmCompute = ((_bodyFlopsPerToken + (_expertFlops * _topK)) * (shape.NewTokens + _gemmHalfTokens)
            + (_headFlopsPerSequence * (shape.Sequences + _gemmHalfTokens))) * _secondsPerGemmFlop;
        double gemm = Overlapped(gemmCompute, _activeWeightBytes * _secondsPerWeightByte) + _denseKernelsSeconds + _expertKernelsSeconds;
        double seconds = gemm + Attention(shape) + Collectives(shape) + Overhead(shape) + Sampler(shape);
        return (long)Math.Ceiling(seconds * 1e9);
    }

    /// <summary>
    /// The tokens of <paramref name="shape"/> whose routing is decided independently: all of them, or one when the router
    /// sends every token to the same experts (<see cref="ServingDeployment.CollapsedRouting"/>).
    /// </summary>
    private int RoutedDistinct(in BatchShape shape) => _collapsedRouting ? Math.Min(1, shape.NewTokens) : shape.NewTokens;

    /// <summary>Expected number of distinct routed experts a layer's <paramref name="tokens"/> tokens touch under uniform top-k routing.</summary>
    public double ExpectedExpertsTouched(int tokens) => _experts == 0 ? 0 : _experts * (1 - Math.Pow(1 - _topKFraction, tokens));

    /// <summary>
    /// Decode-only iterations of <paramref name="sequences"/> sequences (no sampled routing): the terms that do not depend
    /// on the context are evaluated once, for a stretch of iterations whose batch does not change.
    /// </summary>
    public DecodeRun DecodeRun(int sequences)
    {
        if (sequences <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(sequences), sequences, "a decode stretch has at least one sequence");
        }

        return new DecodeRun(this, Terms(BatchShape.Decode(sequences, 0)), sequences);
    }

    /// <summary>Duration of a decode-only iteration in nanoseconds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long DecodeNanos(int sequences, double contextSum) => Iteration(BatchShape.Decode(sequences, contextSum)).Nanos;

    private IterationTerms Compose(in BatchShape shape, double expertCompute, double expertMemory, double expertCombine, double allToAll)
    {
        // A GEMM over M tokens costs the arithmetic of M + M½ at full efficiency (tile waste and launch latency).
        int logits = shape.LogitTokens > 0 ? shape.LogitTokens : shape.Sequences;
        double gemmCompute = ((_bodyFlopsPerToken * (shape.NewTokens + _gemmHalfTokens))
            + (_headFlopsPerSequence * (logits + _gemmHalfTokens))) * _secondsPerGemmFlop;
        double gemmMemory = _denseWeightBytes * _secondsPerWeightByte;
        double denseGemm;
        if (_attentionRanks == 1)
        {
            denseGemm = DenseGemm(shape.NewTokens, logits, gemmCompute, gemmMemory);
        }
        else
        {
            // The busiest rank's replicated GEMMs: its extra tokens and every rank's tile waste (see _replicatedFlopsPerToken).
            gemmCompute += _replicatedFlopsPerToken * (shape.UnevenTokens + _replicatedWasteTokens) * _secondsPerGemmFlop;
            denseGemm = shape.UnevenTokens == 0 ? DenseGemm(shape.NewTokens, logits, gemmCompute, gemmMemory) : Overlapped(gemmCompute, gemmMemory) + _denseKernelsSeconds;
        }

        return new IterationTerms(
            DenseGemm: denseGemm,
            ExpertGemm: Overlapped(expertCompute, expertMemory) + _expertKernelsSeconds + expertCombine,
            Attention: Attention(shape),
            Collectives: Collectives(shape) + allToAll,
            Overhead: Overhead(shape),
            ComputeBound: gemmCompute + expertCompute >= gemmMemory + expertMemory,
            Draft: shape.DraftSeconds,
            Sampler: Sampler(shape));
    }

    /// <summary>The dense GEMMs' time for <paramref name="tokens"/> new tokens and <paramref name="logits"/> logit rows, whose arithmetic and weight streaming are given.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private double DenseGemm(int tokens, int logits, double compute, double memory)
    {
        long key = ((long)tokens << 32) | (uint)logits;
        int slot = (int)((uint)((tokens * 0x9E3779B1) ^ logits) % DenseMemoSize);
        if (_denseMemoKeys[slot] == key + 1)   // stored plus one, so the zeroed table holds no key
        {
            return _denseMemoValues[slot];
        }

        double seconds = Overlapped(compute, memory) + _denseKernelsSeconds;
        _denseMemoKeys[slot] = key + 1;
        _denseMemoValues[slot] = seconds;
        return seconds;
    }

    /// <summary>
    /// A GEMM's time from its arithmetic and its weight streaming, which overlap imperfectly near the ridge:
    /// (c³ + m³)^⅓ — 4 % above max(c, m) when one is twice the other, 26 % when they are equal. The exponent
    /// is the one Vidur's operator profiles (data/published/vidur-gemm-profiles.csv, 8 to 1,024 tokens) ask for.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Overlapped(double compute, double memory) =>
        compute == 0 ? memory : Math.Cbrt((compute * compute * compute) + (memory * memory * memory));   // a dense model's expert term costs no root

    /// <summary>The token mixers: attention over the context, then the linear layers' recurrence (0 for a model without them).</summary>
    private double Attention(in BatchShape shape)
    {
        // Under attention data parallelism the busiest rank's excess counts (BatchShape.UnevenTokens); otherwise none can.
        double context = shape.AttentionContext, readers = shape.NewTokens;
        if (_attentionRanks > 1)
        {
            context += shape.UnevenAttention;
            readers += shape.UnevenTokens;
        }

        double kvRead = Windowed(shape.KvTokensRead, shape.Sequences);
        double attention = AttentionSeconds(Windowed(context, readers), kvRead);
        if (_blockSecondsPerToken != 0)
        {
            attention = Math.Max(attention, kvRead * BlockSecondsPerKvToken(shape.Sequences));
        }

        return attention + Recurrence(shape)
            + IndexerSeconds(shape.AttentionContext, shape.KvTokensRead);
    }

    /// <summary>
    /// Sparse attention's indexer: each new token scores every token of its context (its heads' dot products), reading
    /// each context token's indexer key — its FLOPs or its reads, whichever takes longer; 0 without sparse attention.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal double IndexerSeconds(double attentionContext, double kvTokensRead) => _indexerFlopsPerContextToken == 0 ? 0
        : Math.Max(_indexerFlopsPerContextToken * attentionContext * _secondsPerIndexerFlop, _indexerBytesPerToken * kvTokensRead * _secondsPerKvByte);

    /// <summary>True when the model has sparse attention's indexer (a term that grows with the context beside attention's).</summary>
    internal bool HasIndexer => _indexerFlopsPerContextToken != 0;

    /// <summary>
    /// The linear layers' recurrence: its FLOPs for every new token at the chunked scan's efficiency
    /// (<see cref="EfficiencyFactors.ScanFor"/>), or each sequence of the step reading its state and writing it back at
    /// the state update's efficiency (<see cref="EfficiencyFactors.StateUpdateFor"/>), whichever takes
    /// longer; the same for a token however long its context. Decode is bound by the state's traffic (Qwen3.5-397B keeps
    /// 190 MB a sequence in FP32), a prompt chunk by its FLOPs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private double Recurrence(in BatchShape shape) => _linearFlopsPerToken == 0 ? 0
        : Math.Max(_linearFlopsPerToken * shape.NewTokens * _secondsPerRecurrenceFlop, _linearStateBytesPerSequence * shape.Sequences * _secondsPerStateByte);

    /// <summary>
    /// Context tokens summed over <paramref name="readers"/> (new tokens attending, or sequences reading their KV) as every
    /// layer sees them on average: the full-attention layers see them all, the sliding-window ones at most the window
    /// each. The window's share is capped at <paramref name="readers"/> × window, a bound on the sum of each reader's
    /// min(context, window) that equals it when every context is past the window or none is, and never undercounts.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal double Windowed(double context, double readers) =>
        _windowShare == 0 ? context : (_fullAttentionShare * context) + (_windowShare * Math.Min(context, readers * _window));

    /// <summary>The sliding-window layers' share of the layers, the rest's, and the window (tokens), for a vector pass (<see cref="DecodeRun.Nanos4"/>).</summary>
    internal (double WindowShare, double FullShare, double Window) WindowConstants => (_windowShare, _fullAttentionShare, _window);

    /// <summary>The indexer's constants, for a vector pass over several contexts (<see cref="DecodeRun.Nanos4"/>): FLOPs per context token, seconds per FLOP, bytes per context token.</summary>
    internal (double FlopsPerToken, double SecondsPerFlop, double BytesPerToken) IndexerConstants =>
        (_indexerFlopsPerContextToken, _secondsPerIndexerFlop, _indexerBytesPerToken);

    /// <summary>Attention's constants, for a vector pass over several contexts (<see cref="DecodeRun.Nanos4"/>): FLOPs and bytes per context token, seconds per FLOP and per byte.</summary>
    internal (double FlopsPerToken, double SecondsPerFlop, double BytesPerToken, double SecondsPerByte) AttentionConstants =>
        (_attentionFlopsPerContextToken, _secondsPerAttentionFlop, _kvBytesPerToken, _secondsPerKvByte);

    /// <summary>Attention's roofline: its FLOPs over the context, or reading the KV cache, whichever takes longer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal double AttentionSeconds(double attentionContext, double kvTokensRead) =>
        Math.Max(_attentionFlopsPerContextToken * attentionContext * _secondsPerAttentionFlop, _kvBytesPerToken * kvTokensRead * _secondsPerKvByte);

    /// <summary>
    /// Seconds per KV token read when <paramref name="sequences"/> sequences' decode attention runs one block per
    /// sequence and head (<see cref="DecodeAttentionBlocks"/>): the blocks' total walk shared by as many SMs as there
    /// are blocks, at most every SM. 0 when the engine splits contexts across blocks, or with no sequence.
    /// </summary>
    internal double BlockSecondsPerKvToken(int sequences)
    {
        if (_blockSecondsPerToken == 0 || sequences <= 0)
        {
            return 0;
        }

        int blocks = (int)Math.Min(_blockSlots, (long)sequences * _blocksPerSequence);
        return _blocksPerSequence * _blockSecondsPerToken / blocks;
    }

    private double Collectives(in BatchShape shape) =>
        _tensorParallel.Seconds(shape.NewTokens) + _pipelineFixedSeconds + (_pipelineSecondsPerToken * shape.NewTokens);

    private double Overhead(in BatchShape shape) => _multiStep > 1 && shape.NewTokens == shape.Sequences
        ? VllmMultiStep.DecodeOverhead(_stepSeconds, _sequenceSeconds, shape.Sequences, _multiStep)   // a decode step of a multi-step window
        : _stepSeconds + (_sequenceSeconds * shape.Sequences);

    /// <summary>The sampler ranking the vocabulary for each logit row (<see cref="SamplingMode.Filtered"/>; 0 otherwise).</summary>
    private double Sampler(in BatchShape shape) => _samplerSecondsPerRow * (shape.LogitTokens > 0 ? shape.LogitTokens : shape.Sequences);
}
