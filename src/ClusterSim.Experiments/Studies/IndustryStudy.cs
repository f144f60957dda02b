using ClusterSim.Core.Economics;
using ClusterSim.Core.Metrics;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Results;

namespace ClusterSim.Experiments.Studies;

/// <summary>The industry view on a simulated lifecycle: its training bill and its cost per token set the base year of published trends.</summary>
public sealed class IndustryStudy : Study
{
    public static readonly IndustryStudy Instance = new();

    private static readonly MetricColumn[] Columns =
    [
        new("training_cost_usd", "2024 run $M", 1e-6, "0.0"),
        new("cost_per_mtok_at_launch", "2024 $/Mtok", 1, "0.00"),
        new("training_usd_2024", "train 2024 $B", 1e-9, "0.00"),
        new("inference_usd_2024", "infer 2024 $B", 1e-9, "0.00"),
        new("training_usd_2026", "train 2026 $B", 1e-9, "0.00"),
        new("inference_usd_2026", "infer 2026 $B", 1e-9, "0.00"),
        new("industry_crossover_year", "crossover", 1, "0.0"),
    ];

    private IndustryStudy()
    {
    }

    /// <inheritdoc/>
    public override StudyKind Kind => StudyKind.Industry;

    /// <inheritdoc/>
    public override ISimulationResult Run(ExperimentPoint point, double rate, long seed, IProgress<double>? share)
    {
        LifecycleResult lifecycle = LifecycleStudy.Simulate(point, seed);
        IndustryOptions options = point.Industry! with
        {
            BaseTrainingUsd = lifecycle.TrainingCostUsd,
            BaseUsdPerMillionTokens = lifecycle.CostPerMillionTokensAtLaunch,
        };
        return new IndustryResult(lifecycle, options, IndustryModel.Run(options));
    }

    /// <inheritdoc/>
    /// <remarks>A range of years that leaves out 2024 or 2026 shows the lifecycle's own columns.</remarks>
    public override IReadOnlyList<MetricColumn> SummaryColumns(IReadOnlyList<PointResult> results) =>
        Columns.All(c => results[0].Metrics.Any(m => m.Name == c.Metric)) ? Columns : LifecycleStudy.Instance.SummaryColumns(results);

    /// <inheritdoc/>
    public override IReadOnlyList<string> SweepMetrics(IReadOnlyList<PointResult> results) => ["industry_crossover_year"];
}
