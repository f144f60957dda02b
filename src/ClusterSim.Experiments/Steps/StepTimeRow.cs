using ClusterSim.Core.Performance;

namespace ClusterSim.Experiments.Steps;

/// <summary>One timed iteration: its shape and the step-time model's named terms for it.</summary>
public sealed record StepTimeRow(StepShape Shape, IterationTerms Terms)
{
    /// <summary>New tokens per second of this iteration (its chunk and its decodes over its whole time).</summary>
    public double TokensPerSecond => Shape.NewTokens / Terms.Total;
}
