using ClusterSim.Core.Performance;

namespace ClusterSim.Experiments.Steps;

/// <summary>
/// One timed iteration: its shape, the step-time model's named terms for it, and the tokens each decoder is expected to
/// emit in it (1, or τ = 1 + α + … + α^k when the step speculates).
/// </summary>
public sealed record StepTimeRow(StepShape Shape, IterationTerms Terms, double TokensPerDecoder = 1)
{
    /// <summary>Tokens the iteration processes or emits: its prompt chunk and each decoder's expected output.</summary>
    public double Tokens => Shape.PromptTokens + (Shape.Decoders * TokensPerDecoder);

    /// <summary>Tokens per second of this iteration (its chunk and its decoders' expected output over its whole time).</summary>
    public double TokensPerSecond => Tokens / Terms.Total;
}
