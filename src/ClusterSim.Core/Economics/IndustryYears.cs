namespace ClusterSim.Core.Economics;

/// <summary>An industry's spend per calendar year.</summary>
public sealed record IndustryYears(IReadOnlyList<int> Years, IReadOnlyList<double> TrainingUsd, IReadOnlyList<double> InferenceUsd, IReadOnlyList<double> OutputTokens)
{
    /// <summary>
    /// The (fractional) year in which annual inference spend first reaches annual training spend, interpolating
    /// between year midpoints; null when it never does within the range or is already ahead in the first year.
    /// </summary>
    public double? CrossoverYear => CrossoverDetector.Find(Years.Select(y => y + 0.5).ToArray(), TrainingUsd, InferenceUsd);
}
