using ClusterSim.Core.Metrics;
using ClusterSim.Core.Training;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Results;

namespace ClusterSim.Experiments.Studies;

/// <summary>One training run: steps, failures, restarts and checkpoints on its accelerators.</summary>
public sealed class TrainingStudy : Study
{
    public static readonly TrainingStudy Instance = new();

    private static readonly MetricColumn[] Columns =
    [
        new("wall_days", "days", 1, "0.0"),
        new("accelerator_hours", "GPU-hours (M)", 1e-6, "0.00"),
        new("mfu_step", "MFU step", 100, "0.0'%'"),
        new("mfu_run", "MFU run", 100, "0.0'%'"),
        new("step_s", "step s", 1, "0.00"),
        new("step_communication_s", "exposed comm. s", 1, "0.00"),
        new("effective_training_fraction", "effective", 100, "0.0'%'"),
        new("failures", "failures", 1, "0"),
        new("checkpoint_interval_s", "ckpt every s", 1, "0"),
        new("energy_mwh", "energy MWh", 1, "0"),
        new("cost_usd", "cost $M", 1e-6, "0.0"),
    ];

    private TrainingStudy()
    {
    }

    /// <inheritdoc/>
    public override StudyKind Kind => StudyKind.Training;

    /// <inheritdoc/>
    public override ISimulationResult Run(ExperimentPoint point, double rate, long seed, IProgress<double>? share) => TrainingRun.RunStages(point.Training!, seed);

    /// <inheritdoc/>
    public override IReadOnlyList<MetricColumn> SummaryColumns(IReadOnlyList<PointResult> results) => Columns;

    /// <inheritdoc/>
    public override IReadOnlyList<string> SweepMetrics(IReadOnlyList<PointResult> results) => ["wall_days", "mfu_run", "step_s", "step_communication_s"];
}
