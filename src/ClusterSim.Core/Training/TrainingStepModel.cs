using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Training;

/// <summary>
/// Analytical time of one optimizer step under a parallelism plan. Compute is 6·N_active FLOPs per token plus
/// attention (12·L·d·s, the convention of Megatron-LM and PaLM) plus recomputation, at peak × matmul efficiency (the
/// linear layers at the FP8/FP4 peak when asked); element-wise work moves the activation bytes at HBM bandwidth.
/// Communication is α–β collectives placed by the catalog's scale-up domain: tensor-parallel all-reduces on the
/// scale-up link in the critical path, ring-attention K/V exchange behind attention, pipeline sends between neighbouring
/// stages (over the scale-up link where both share a domain, the network otherwise),
/// the bubble of the pipeline schedule, data-parallel traffic by ZeRO stage partly hidden behind compute, and expert
/// all-to-alls by destination with a stated overlap.
/// </summary>
public static class TrainingStepModel
{
    private const double ActivationBytes = 2;   // BF16 activations and gradients on the wire

    /// <summary>
    /// Seconds a pipeline send of <paramref name="bytes"/> takes, averaged over the stage boundaries. Megatron orders ranks
    /// tensor, context, data, then pipeline outermost, so neighbouring stages sit TP × CP × DP ranks apart; with domains of
    /// D ranks, a share min(1, stride / D) of the boundaries falls between two domains and crosses the network, the rest
    /// stays on the scale-up link (all of them cross on an HGX node at stride 8; a fifth on an NVL72 at stride 16).
    /// </summary>
    internal static double PipelineSendSeconds(double bytes, ParallelismPlan p, int domain, double scaleUp, double scaleOut)
    {
        double crossing = Math.Min(1.0, (double)p.TensorParallel * p.ContextParallel * p.DataParallel / domain);
        return crossing >= 1 ? bytes / scaleOut : (crossing * bytes / scaleOut) + ((1 - crossing) * bytes / scaleUp);
    }

    /// <summary>The breakdown of one step of <paramref name="job"/> (validated first).</summary>
    public static StepBreakdown Step(TrainingJob job)
    {
        job.Validated();
        ModelSpec model = job.Model;
        ParallelismPlan p = job.Plan;
        AcceleratorSpec chip = job.Accelerator;
        TrainingEfficiency eff = job.Efficiency;
        int gpus = p.Accelerators;
        double tokens = job.SequencesPerStep * (double)job.SequenceLength;
        double m = job.MicroBatches;

        // Multi-token-prediction modules each add a block (one layer's matmuls and attention), a 2h×h projection and the head.
        double head = 2.0 * model.Vocab * model.Hidden;
        double layerForward = (model.ForwardFlopsPerToken - head) / model.Layers;
        double layerAttention = model.AttentionFlopsPerContextToken * job.SequenceLength / model.Layers;
        int mtp = job.MultiTokenPredictionDepth;
        double forwardPerToken = model.ForwardFlopsPerToken + (mtp * (layerForward + (4.0 * model.Hidden * model.Hidden) + head));
        double attentionPerToken = layerAttention * (model.Layers + mtp);
        double modelFlopsPerToken = 3 * (forwardPerToken + attentionPerToken);
        double recomputePerToken = p.Recompute switch
        {
            RecomputeKind.Full => forwardPerToken + attentionPerToken,
            RecomputeKind.Selective => attentionPerToken,
            _ => 0,
        };
        double modelFlops = modelFlopsPerToken * tokens;
        double hardwareFlops = (modelFlopsPerToken + recomputePerToken) * tokens;
        double peak = chip.PeakFlops(job.Precision);

        // Below BF16, the linear layers run at the low-precision peak; attention scores and the output head (and the
        // MTP heads) stay in BF16, as in DeepSeek-V3's FP8 recipe and Transformer Engine.
        double bf16Share = job.Precision == Precision.BF16 ? 1
            : (attentionPerToken + ((1 + mtp) * head)) / (forwardPerToken + attentionPerToken);
        double compute = hardwareFlops * ((1 - bf16Share) / peak + (bf16Share / chip.PeakFlops(Precision.BF16))) / (gpus * eff.Matmul);
        double attentionCompute = compute * attentionPerToken / (forwardPerToken + attentionPerToken);
        double imbalance = ExpertImbalance(job);
        double routedShare = model.IsMoE ? 2.0 * model.TopK * model.ExpertParameters * model.MoELayers / (forwardPerToken + attentionPerToken) : 0;
        if (imbalance > 1)
        {
            // Each expert-parallel group waits for its busiest rank: the routed-expert share of the work stretches by the imbalance.
            compute *= 1 + (routedShare * (imbalance - 1));
        }

        if (eff.ExpertMatmul < 1)
        {
            // The routed experts' grouped GEMMs (with the permutation around them) run at a fraction of the dense rate.
            compute *= 1 + (routedShare * ((1 / eff.ExpertMatmul) - 1));
        }

        // A hybrid's recurrent layers run their chunked scan beside the GEMMs (six FLOPs a state element a token, forward,
        // backward and any recomputed forward) at the scan kernels' own share of the BF16 peak.
        double recurrence = model.LinearFlopsPerToken * (p.Recompute == RecomputeKind.Full ? 4 : 3) * tokens
            / (gpus * chip.PeakFlops(Precision.BF16) * eff.Scan);
        compute += recurrence;

        // Element-wise work (norms, activations, dropout, residuals, softmax) is bound by memory bandwidth: each
        // activation byte is written and read in the forward pass (2) and read, with its gradient written and read, in
        // the backward pass (3); a recomputed byte is produced again (2 more).
        (double linear, double scores) = TrainingMemory.ActivationBytesPerTokenLayer(job);
        double recomputed = p.Recompute switch
        {
            RecomputeKind.Full => linear + scores,
            RecomputeKind.Selective => scores,
            _ => 0,
        };
        double microBatchTokens = p.MicroBatchSize * (double)job.SequenceLength / p.ContextParallel;   // per context-parallel rank
        double layersPerStage = model.Layers / (double)p.PipelineParallel;
        double memoryBound = m * microBatchTokens * layersPerStage
            * ((5 * (linear + scores)) + (2 * recomputed)) / (chip.MemoryBytesPerSecond * eff.Memory);

        // Vendors quote NVLink-class bandwidth as the sum of both directions; a ring uses one direction per link. A link
        // the catalog lacks is refused by validation wherever the plan needs it, so infinity is never read.
        double scaleUp = chip.ScaleUpGBps is double up ? up * 1e9 / 2 * eff.Link : double.PositiveInfinity;
        double scaleOut = chip.ScaleOutGBps is double net ? net * 1e9 * eff.Link : double.PositiveInfinity;
        double latency = eff.CollectiveLatencySeconds;

        double microBatchActivations = microBatchTokens * model.Hidden * ActivationBytes;
        int allReducesPerLayer = p.Recompute == RecomputeKind.Full ? 6 : 4;   // two forward, two backward, two in the recomputed forward
        double tensorParallel = m * layersPerStage * allReducesPerLayer
            * Collective.AllReduce(CollectiveAlgorithm.Ring, microBatchActivations, p.TensorParallel, scaleUp, latency);

        // Ring attention: each context-parallel rank passes its K and V blocks around the ring in the forward pass, and
        // K, V and their gradients in the backward pass, behind the attention compute of the blocks it already holds.
        double contextParallel = 0;
        if (p.ContextParallel > 1)
        {
            double kvBytes = microBatchTokens * KvWidth(model) * ActivationBytes / p.TensorParallel;
            double ring = p.TensorParallel * p.ContextParallel > job.ScaleUpDomain ? scaleOut : scaleUp;
            double perLayer = 3 * (p.ContextParallel - 1) * ((kvBytes / ring) + latency);
            contextParallel = Math.Max(0, (m * layersPerStage * perLayer) - attentionCompute);
        }

        double bubble = p.BubbleFraction(m) * (compute + memoryBound + tensorParallel);
        double pipelineTransfer = p.PipelineParallel == 1 ? 0
            : m * 2 * p.Chunks * (PipelineSendSeconds(microBatchActivations / p.TensorParallel, p, job.ScaleUpDomain, scaleUp, scaleOut) + latency);

        // Data-parallel ranks that share a scale-up domain pool its network links (hierarchical collectives).
        int domain = job.ScaleUpDomain;
        int dataParallelPerDomain = Math.Clamp(domain / p.TensorParallel, 1, p.GradientRanks);
        double DataParallelLink(int ranks) => ranks <= dataParallelPerDomain ? scaleUp : Math.Min(scaleUp, dataParallelPerDomain * scaleOut);

        double forward = compute / (p.Recompute == RecomputeKind.Full ? 4 : 3);
        double backward = 2 * forward;
        (double gatherForward, double backwardTraffic) = Sharding(TrainingMemory.DenseParametersPerAccelerator(job), p.GradientRanks);
        (double expertGather, double expertBackward) = Sharding(TrainingMemory.ExpertParametersPerAccelerator(job), p.ExpertGradientRanks);
        double dataParallelExposed = Math.Max(0, gatherForward + expertGather - (eff.DataParallelOverlap * forward))
            + Math.Max(0, backwardTraffic + expertBackward - (eff.DataParallelOverlap * backward));

        // BF16 weights and gradients over the data-parallel group: an all-reduce of gradients (ZeRO 0-2: reduce-scatter and
        // all-gather, the same bytes); ZeRO-3 gathers weights before the forward and the backward pass and reduce-scatters
        // gradients inside its shard group, then all-reduces the shard over the group's replicas (HSDP / MiCS).
        (double Forward, double Backward) Sharding(double parameterCount, int ranks)
        {
            double bytes = parameterCount * ActivationBytes;
            if (p.ZeroStage < 3)
            {
                return (0, Collective.AllReduce(CollectiveAlgorithm.Ring, bytes, ranks, DataParallelLink(ranks), latency));
            }

            int group = p.ShardGroup(ranks);
            int replicas = ranks / group;
            double gather = Collective.AllGather(bytes, group, DataParallelLink(group), latency);
            double replicaReduce = Collective.AllReduce(CollectiveAlgorithm.Ring, bytes / group, replicas, Math.Min(scaleUp, scaleOut), latency);
            return (gather, (2 * gather) + replicaReduce);
        }

        // Expert all-to-all: each token is dispatched to the ranks of its top-k experts and combined back, forward and
        // backward (and once more when the forward is recomputed). Copies to ranks outside the scale-up domain cross
        // the network; node-limited routing (DeepSeek-V3: at most M nodes per token, forwarded inside the node over
        // the scale-up link) caps them at M; a per-domain dispatcher sends a token once to each other domain that holds
        // any of its experts. Dispatch travels at the linear layers' precision, combine in BF16.
        double expertParallel = 0;
        if (model.IsMoE && p.ExpertParallel > 1)
        {
            // The expert-parallel group's ranks sit the expert tensor degree apart, so it spans ETP × EP accelerators.
            int epDomains = Math.Max(1, p.ExpertTensorRanks * p.ExpertParallel / domain);
            double remoteShare = 1 - (1.0 / epDomains);
            double copies = model.TopK;
            double networkCopies = p.ExpertDispatch == DispatchGranularity.PerDomain
                ? RemoteDomainsPerToken(model.TopK, epDomains, p.ExpertNodeLimit)
                : p.ExpertNodeLimit > 0 ? Math.Min(copies, p.ExpertNodeLimit) * remoteShare : copies * remoteShare;

            // Copies for other ranks of the domain cross its scale-up link; per domain, so do those forwarded on arrival.
            double localCopies = p.ExpertDispatch == DispatchGranularity.PerDomain
                ? copies * (p.ExpertParallel - 1.0) / p.ExpertParallel
                : copies * (1 - remoteShare) * (p.ExpertParallel - 1.0) / p.ExpertParallel;
            double dispatch = job.Precision == Precision.BF16 ? ActivationBytes : 1;
            int passes = p.Recompute == RecomputeKind.Full ? 3 : 2;   // forward, backward, and the recomputed forward
            double bytesPerCopy = microBatchTokens / p.TensorParallel * model.Hidden * (dispatch + ActivationBytes) * passes;
            double network = networkCopies * bytesPerCopy / scaleOut, scaleUpLink = localCopies * bytesPerCopy / scaleUp;

            // A per-domain dispatcher forwards over the scale-up link while the network transfers stream in (DeepEP reports
            // its internode kernels at the network's bandwidth): the slower link sets the time. Per copy, both are charged.
            double transfers = p.ExpertDispatch == DispatchGranularity.PerDomain ? Math.Max(network, scaleUpLink) : network + scaleUpLink;
            double perLayer = transfers + (4 * (p.ExpertParallel - 1) * latency);
            double allToAll = m * (model.MoELayers / (double)p.PipelineParallel) * perLayer;
            expertParallel = Math.Max(allToAll * (1 - p.ExpertOverlap), allToAll - (compute + memoryBound));
        }

        return new StepBreakdown
        {
            ComputeSeconds = compute,
            MemoryBoundSeconds = memoryBound,
            TensorParallelSeconds = tensorParallel,
            PipelineBubbleSeconds = bubble,
            PipelineTransferSeconds = pipelineTransfer,
            DataParallelSeconds = dataParallelExposed,
            ExpertParallelSeconds = expertParallel,
            ContextParallelSeconds = contextParallel,
            OverheadSeconds = eff.StepOverheadSeconds,
            ModelFlops = modelFlops,
            HardwareFlops = hardwareFlops,
            Tokens = tokens,
            Accelerators = gpus,
            PeakFlopsPerAccelerator = peak,
            ExpertImbalance = imbalance,
        };
    }

    /// <summary>
    /// Expected other scale-up domains a token's <paramref name="topK"/> experts sit on, drawn uniformly over
    /// <paramref name="domains"/> domains: (D − 1)(1 − (1 − 1/D)^k), at most the node limit's share of other domains
    /// when routing is node-limited. Eight experts over four domains reach 2.70 others, where a copy each sends 6.
    /// </summary>
    internal static double RemoteDomainsPerToken(int topK, int domains, int nodeLimit)
    {
        if (domains <= 1)
        {
            return 0;
        }

        double others = (domains - 1) * (1 - Math.Pow(1 - (1.0 / domains), topK));
        return nodeLimit > 0 ? Math.Min(others, nodeLimit * (domains - 1.0) / domains) : others;
    }

    /// <summary>Elements of K and V per token and layer that ring attention passes (MLA passes its decompressed keys and values).</summary>
    private static double KvWidth(ModelSpec model) => model.IsMla
        ? model.Heads * (double)(model.HeadDim + model.RopeHeadDim + model.ValueDim)
        : 2.0 * model.KvHeads * model.HeadDim;

    /// <summary>
    /// Mean busiest-over-mean expert load of one micro-batch's tokens over the expert-parallel ranks, sampled with the
    /// same bulk router as serving (a fixed seed, so the step model stays deterministic); 1 without routing options.
    /// </summary>
    private static double ExpertImbalance(TrainingJob job)
    {
        ModelSpec model = job.Model;
        int ep = job.Plan.ExpertParallel;
        if (!model.IsMoE || ep <= 1 || job.ExpertRouting is not { } routing)
        {
            return 1;
        }

        var router = new Moe.ExpertRouter(model.Experts, model.TopK, ep, routing, new Engine.RandomStreams(0).For("training.moe"));
        int tokens = job.Plan.MicroBatchSize * job.SequenceLength * ep / job.Plan.TensorParallel;
        return Enumerable.Range(0, 32).Average(i => router.Route(tokens, i).Imbalance);
    }
}
