using System.Globalization;
using ClusterSim.Core.Metrics;

namespace ClusterSim.Core.Economics;

/// <summary>The industry view built on one simulated lifecycle (its training bill and serving cost per token).</summary>
public sealed record IndustryResult(LifecycleResult Lifecycle, IndustryOptions Options, IndustryYears Years) : ISimulationResult
{
    /// <inheritdoc/>
    public bool Conserved => Lifecycle.Conserved;

    /// <inheritdoc/>
    public IReadOnlyList<(string Name, double Value)> Scalars()
    {
        var scalars = new List<(string, double)>(Lifecycle.Scalars())
        {
            ("industry_crossover_year", Years.CrossoverYear ?? double.NaN),
        };
        for (int k = 0; k < Years.Years.Count; k++)
        {
            string year = Years.Years[k].ToString(CultureInfo.InvariantCulture);
            scalars.Add(($"training_usd_{year}", Years.TrainingUsd[k]));
            scalars.Add(($"inference_usd_{year}", Years.InferenceUsd[k]));
        }

        return scalars;
    }

    /// <inheritdoc/>
    public SeriesTable Series() => Lifecycle.Series();
}
