using ClusterSim.Core.Inference.Workload;

namespace ClusterSim.Experiments.Files;

/// <summary>A token-length distribution as written in an experiment file.</summary>
public sealed record LengthSpec(string Kind, double Mean, double Median, double Sigma, int Min, int Max)
{
    /// <summary>The longest length the distribution draws.</summary>
    public int Longest => Kind == "fixed" ? (int)Mean : Max;

    /// <summary>The distribution this spec describes.</summary>
    public TokenLengths Build() => Kind switch
    {
        "fixed" => TokenLengths.Fixed((int)Mean),
        "uniform" => TokenLengths.Uniform(Min, Max),
        "lognormal" when Median > 0 => TokenLengths.LogNormalFromMeanMedian(Mean, Median, Max),
        "lognormal" => TokenLengths.LogNormalFromMeanSigma(Mean, Sigma, Max),
        "eos" => TokenLengths.StoppedAtEos(Max, Mean),
        _ => throw new InvalidOperationException($"unknown length kind {Kind}"),
    };
}
