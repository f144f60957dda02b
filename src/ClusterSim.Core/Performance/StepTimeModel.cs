using System.Runtime.CompilerServices;
using ClusterSim.Core.Catalog;

namespace ClusterSim.Core.Performance;

/// <summary>
/// Roofline time of one serving iteration: max(compute, memory traffic) over the replica's accelerators,
/// plus tensor- and pipeline-parallel communication, plus a fixed overhead. Constants are folded at
/// construction so that one evaluation is a handful of multiplications.
/// </summary>
public sealed class StepTimeModel
{
    private readonly double _flopsPerToken;
    private readonly double _flopsPerAttention;
    private readonly double _secondsPerFlop;
    private readonly double _secondsPerByte;
    private readonly double _denseWeightBytes;
    private readonly double _expertBytesPerLayer;
    private readonly int _moeLayers;
    private readonly int _experts;
    private readonly double _topKFraction;
    private readonly double _kvBytesPerToken;
    private readonly double _commSecondsPerToken;
    private readonly double _fixedSeconds;
    private readonly double _expertFlopsPerToken;
    private readonly double _activeWeightBytes;
    private readonly double _allToAllSecondsPerToken;
    private readonly double _allToAllFixedSeconds;

    /// <summary>Builds the model for a validated deployment.</summary>
    public StepTimeModel(ServingDeployment deployment)
    {
        Deployment = deployment.Validated();
        ModelSpec model = deployment.Model;
        AcceleratorSpec chip = deployment.Accelerator;
        EfficiencyFactors eff = deployment.Efficiency;
        int tp = deployment.TensorParallel, pp = deployment.PipelineParallel;

        _flopsPerToken = model.ForwardFlopsPerToken;
        _flopsPerAttention = model.AttentionFlopsPerContextToken;
        // Pipeline stages run one after another within an iteration, so only tensor parallelism divides the work.
        _secondsPerFlop = 1.0 / (chip.PeakFlops(deployment.ComputePrecision) * eff.Compute * tp);
        _secondsPerByte = 1.0 / (chip.MemoryBytesPerSecond * eff.Memory * tp);
        double bytes = deployment.Weights.BytesPerElement();
        _moeLayers = model.MoELayers;
        _experts = model.Experts;
        _topKFraction = model.IsMoE ? model.TopK / (double)model.Experts : 0;
        _expertBytesPerLayer = model.ExpertParameters * bytes;
        _denseWeightBytes = (model.TotalParameters - model.RoutedExpertParameters) * bytes;
        _kvBytesPerToken = model.KvBytesPerToken(deployment.KvCache);

        const double activationBytes = 2;   // activations stay in BF16 between layers
        double linkBytesPerSecond = (chip.ScaleUpGBps ?? chip.ScaleOutGBps ?? 1) * 1e9;
        double ringFactor = tp > 1 ? 2.0 * (tp - 1) / tp : 0;
        // Two all-reduces per layer (after attention and after the MLP) over the tensor-parallel group.
        _commSecondsPerToken = (2.0 * model.Layers * ringFactor * model.Hidden * activationBytes / linkBytesPerSecond)
            + ((pp - 1) * model.Hidden * activationBytes / linkBytesPerSecond);
        double collectiveLatency = tp > 1 ? 2.0 * model.Layers * 2 * (tp - 1) * eff.CollectiveLatencySeconds : 0;
        _fixedSeconds = eff.IterationOverheadSeconds + collectiveLatency + ((pp - 1) * eff.CollectiveLatencySeconds);
        _expertFlopsPerToken = 2.0 * model.TopK * model.ExpertParameters * model.MoELayers;
        _activeWeightBytes = (model.ActiveParameters - (model.IsMoE ? model.Hidden * (double)model.Experts * model.MoELayers : 0)) * bytes;
        int ep = ExpertParallel;
        if (model.IsMoE && ep > 1)
        {
            // Dispatch and combine: two all-to-alls per MoE layer, each token's hidden state sent to its k experts.
            double perToken = model.TopK * model.Hidden * activationBytes;
            _allToAllSecondsPerToken = 2.0 * model.MoELayers * ((ep - 1.0) / ep) * perToken / ep / linkBytesPerSecond;
            _allToAllFixedSeconds = 2.0 * model.MoELayers * (ep - 1) * eff.CollectiveLatencySeconds;
        }
    }

    /// <summary>The deployment this model times.</summary>
    public ServingDeployment Deployment { get; }

    /// <summary>Accelerators a replica's experts are spread over (the tensor-parallel group unless set).</summary>
    public int ExpertParallel => Deployment.MoeRouting is { ExpertParallel: > 0 } r ? r.ExpertParallel : Deployment.TensorParallel;

    /// <summary>
    /// The cost of one iteration with sampled routing: the busiest accelerator sets the expert compute (imbalance × its
    /// fair share), the accelerator with the most distinct experts to read sets the expert weight traffic, and the
    /// dispatch/combine all-to-alls are added.
    /// </summary>
    public IterationCost Iteration(in BatchShape shape, in Inference.Moe.RoutingOutcome routing)
    {
        if (shape.NewTokens == 0 || _moeLayers == 0 || routing.IsNone)
        {
            return Iteration(shape);
        }

        double flops = (_flopsPerToken * shape.NewTokens) + (_flopsPerAttention * shape.AttentionContext)
            + (_expertFlopsPerToken * shape.NewTokens * (routing.Imbalance - 1));
        double compute = flops * _secondsPerFlop;
        int tp = Deployment.TensorParallel;
        // Per-accelerator expert bytes over per-accelerator bandwidth; _secondsPerByte already divides by tp.
        double expertBytes = _moeLayers * _expertBytesPerLayer * routing.MaxExpertsTouchedPerAccelerator * tp;
        double memory = ((_denseWeightBytes + (_kvBytesPerToken * shape.KvTokensRead)) * _secondsPerByte) + (expertBytes * _secondsPerByte);
        double seconds = Math.Max(compute, memory) + (_commSecondsPerToken * shape.NewTokens) + _fixedSeconds
            + (_allToAllSecondsPerToken * shape.NewTokens) + _allToAllFixedSeconds;
        return new IterationCost((long)Math.Ceiling(seconds * 1e9), compute >= memory);
    }

    /// <summary>The same iteration for a dense model with this model's active parameters (all weights read every time).</summary>
    public long DenseEquivalentNanos(in BatchShape shape)
    {
        if (shape.NewTokens == 0)
        {
            return 0;
        }

        double compute = ((_flopsPerToken * shape.NewTokens) + (_flopsPerAttention * shape.AttentionContext)) * _secondsPerFlop;
        double memory = (_activeWeightBytes + (_kvBytesPerToken * shape.KvTokensRead)) * _secondsPerByte;
        return (long)Math.Ceiling((Math.Max(compute, memory) + (_commSecondsPerToken * shape.NewTokens) + _fixedSeconds) * 1e9);
    }

    /// <summary>Expected number of distinct routed experts a layer's <paramref name="tokens"/> tokens touch under uniform top-k routing.</summary>
    public double ExpectedExpertsTouched(int tokens) => _experts == 0 ? 0 : _experts * (1 - Math.Pow(1 - _topKFraction, tokens));

    /// <summary>The cost of one iteration of the given shape.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public IterationCost Iteration(in BatchShape shape)
    {
        if (shape.NewTokens == 0)
        {
            return new IterationCost(0, false);
        }

        double compute = ((_flopsPerToken * shape.NewTokens) + (_flopsPerAttention * shape.AttentionContext)) * _secondsPerFlop;
        double weightBytes = _moeLayers == 0 ? _denseWeightBytes : _denseWeightBytes + (_moeLayers * _expertBytesPerLayer * ExpectedExpertsTouched(shape.NewTokens));
        double memory = (weightBytes + (_kvBytesPerToken * shape.KvTokensRead)) * _secondsPerByte;
        double seconds = Math.Max(compute, memory) + (_commSecondsPerToken * shape.NewTokens) + _fixedSeconds;
        return new IterationCost((long)Math.Ceiling(seconds * 1e9), compute >= memory);
    }

    /// <summary>Duration of a decode-only iteration in nanoseconds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long DecodeNanos(int sequences, double contextSum) => Iteration(BatchShape.Decode(sequences, contextSum)).Nanos;
}
