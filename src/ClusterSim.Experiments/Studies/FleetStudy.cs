using ClusterSim.Core.Metrics;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Results;

namespace ClusterSim.Experiments.Studies;

/// <summary>A serving fleet over its life without a training bill: capacity at the SLO, fleet size and cost per token.</summary>
public sealed class FleetStudy : Study
{
    public static readonly FleetStudy Instance = new();

    private static readonly MetricColumn[] Columns =
    [
        new("replica_tok_s_at_slo", "tok/s/replica", 1, "0"),
        new("fleet_accelerators_at_launch", "fleet", 1, "0"),
        new("inference_idle_share", "idle", 100, "0'%'"),
        new("cost_per_mtok_at_launch", "$/M out tok", 1, "0.000"),
        new("inference_cost_usd", "serving $k", 1e-3, "0"),
    ];

    private FleetStudy()
    {
    }

    /// <inheritdoc/>
    public override StudyKind Kind => StudyKind.Fleet;

    /// <inheritdoc/>
    public override ISimulationResult Run(ExperimentPoint point, double rate, long seed, IProgress<double>? share) => LifecycleStudy.Simulate(point, seed);

    /// <inheritdoc/>
    public override IReadOnlyList<MetricColumn> SummaryColumns(IReadOnlyList<PointResult> results) => Columns;

    /// <inheritdoc/>
    public override string? CheapestBy(IReadOnlyList<PointResult> results) => "cost_per_mtok_at_launch";

    /// <inheritdoc/>
    public override IReadOnlyList<string> SweepMetrics(IReadOnlyList<PointResult> results) => ["cost_per_mtok_at_launch", "fleet_accelerators_at_launch"];
}
