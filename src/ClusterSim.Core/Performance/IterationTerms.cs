namespace ClusterSim.Core.Performance;

/// <summary>
/// One iteration's time split into the step-time model's named terms, seconds. Kernels of different kinds run one after
/// another, so the terms add; within a term, compute and memory traffic overlap (its own roofline).
/// </summary>
public readonly record struct IterationTerms(
    double DenseGemm, double ExpertGemm, double Attention, double Collectives, double Overhead, bool ComputeBound, double Draft = 0, double Sampler = 0)
{
    /// <summary>
    /// The whole iteration, seconds. The sampler's ranking of the vocabulary follows the engine's overhead, and a
    /// speculative drafter's time comes last: without them (0) the sum is the same to the bit.
    /// </summary>
    public double Total => DenseGemm + ExpertGemm + Attention + Collectives + Overhead + Sampler + Draft;

    /// <summary>The whole iteration rounded up to nanoseconds.</summary>
    public IterationCost Cost => new((long)Math.Ceiling(Total * 1e9), ComputeBound);
}
