using ClusterSim.Core.Metrics;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Results;

namespace ClusterSim.Experiments.Studies;

/// <summary>
/// What an experiment runs: how one replication of a point is simulated, and which of its metrics headline a
/// summary and a sweep. <see cref="Of"/> is the one place that reads which sections a point has; the runner, the
/// summary table, the report and the trace ask the study.
/// </summary>
public abstract class Study
{
    /// <summary>Which study this is.</summary>
    public abstract StudyKind Kind { get; }

    /// <summary>Whether the point's arrival rate is a share of a measured saturation rate (serving with a <c>load</c>).</summary>
    public virtual bool MeasuresSaturation(ExperimentPoint point) => false;

    /// <summary>
    /// Replays one replication of <paramref name="point"/> with a recorder and returns its timeline (requests and
    /// iterations for serving, placements for a cluster), or null where the study has none.
    /// </summary>
    public virtual Timeline? Timeline(ExperimentPoint point, double rate, long seed) => null;

    /// <summary>Whether a summary shows each point's offered arrival rate.</summary>
    public virtual bool ShowsArrivalRate(IReadOnlyList<PointResult> results) => false;

    /// <summary>One replication of <paramref name="point"/> at <paramref name="rate"/> (NaN where no rate applies), seeded by <paramref name="seed"/>.</summary>
    public abstract ISimulationResult Run(ExperimentPoint point, double rate, long seed, IProgress<double>? share);

    /// <summary>The metrics a summary table shows for these results, in order.</summary>
    public abstract IReadOnlyList<MetricColumn> SummaryColumns(IReadOnlyList<PointResult> results);

    /// <summary>Sentences a summary prints under its table: the answer in words (a crossover date, say).</summary>
    public virtual IEnumerable<string> Findings(IReadOnlyList<PointResult> results) => [];

    /// <summary>The cost per token by which a summary names the cheapest point, or null where cost is not the question.</summary>
    public virtual string? CheapestBy(IReadOnlyList<PointResult> results) => null;

    /// <summary>The metrics a sweep over these results plots against its parameters.</summary>
    public abstract IReadOnlyList<string> SweepMetrics(IReadOnlyList<PointResult> results);

    /// <summary>The study a point runs, decided by the sections it has.</summary>
    public static Study Of(ExperimentPoint point) =>
        point.Cluster is not null ? ClusterStudy.Instance
        : point.Choices is not null ? ChoicesStudy.Instance
        : point.Edge is not null ? EdgeStudy.Instance
        : point.Industry is not null ? IndustryStudy.Instance
        : point.Lifecycle is not null ? (point.Training is null ? FleetStudy.Instance : LifecycleStudy.Instance)
        : point.Training is not null ? TrainingStudy.Instance
        : point.Serving is not null ? ServingStudy.Instance
        : throw new ArgumentException($"point {point.Index} has neither a serving nor a training section");
}
