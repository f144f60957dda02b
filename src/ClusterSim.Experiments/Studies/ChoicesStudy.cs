using System.Globalization;
using ClusterSim.Core.Inference;
using ClusterSim.Core.Metrics;
using ClusterSim.Core.Training;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Results;
using ClusterSim.Experiments.Running;

namespace ClusterSim.Experiments.Studies;

/// <summary>
/// Ways to answer one service's traffic compared at the same SLO: each candidate's replica capacity is measured on a
/// simulated cell, its fleet paid by the hour; distillation, fine-tuning and fixed costs are paid up front (a student's
/// or fine-tune's training run simulated in full); a cascade pays its own attempt on every request plus the baseline on
/// the share it escalates. The answer: cost per token, quality, and the day each candidate's savings repay its up-front cost.
/// </summary>
public sealed class ChoicesStudy : Study
{
    public static readonly ChoicesStudy Instance = new();

    private ChoicesStudy()
    {
    }

    /// <inheritdoc/>
    public override StudyKind Kind => StudyKind.Choices;

    /// <inheritdoc/>
    public override ISimulationResult Run(ExperimentPoint point, double rate, long seed, IProgress<double>? share) => Compare(point, seed, share);

    /// <summary>Every candidate of <paramref name="point"/>'s comparison, the baseline first.</summary>
    public static ChoicesResult Compare(ExperimentPoint point, long seed, IProgress<double>? share = null)
    {
        ChoicesSpec spec = point.Choices ?? throw new ArgumentException("the point has no choices section");
        ServingPoint template = point.Serving!;
        var capacities = new List<double>();
        foreach (ChoiceCandidate c in spec.Candidates)
        {
            ServingPoint serving = template with { Replicas = [new ReplicaGroup(c.Deployment, c.Scheduler)] };
            capacities.Add(CellCapacity.Measure(serving, spec.CellReplicas, seed).TokensPerSecond);
            share?.Report(capacities.Count / (double)spec.Candidates.Count);
        }

        double OwnCost(int i) => 1e6 * CellCapacity.UsdPerToken(spec.Candidates[i].PricePerHour, spec.Candidates[i].Deployment.Accelerators, capacities[i], spec.Headroom);
        double baseCost = OwnCost(0);
        double baseDaily = spec.OutputTokensPerDay / 1e6 * baseCost;
        ChoiceCandidate baseline = spec.Baseline;
        var outcomes = new List<ChoiceOutcome>();
        for (int i = 0; i < spec.Candidates.Count; i++)
        {
            ChoiceCandidate c = spec.Candidates[i];
            double escalated = c.CascadeShare is double s ? 1 - s : 0;
            double cost = OwnCost(i) + (escalated * baseCost);
            double quality = c.CascadeShare is double answered
                ? (answered * (c.CascadeQuality ?? c.Quality)) + ((1 - answered) * baseline.Quality)
                : c.Quality;
            TrainingResult? training = c.Training is null ? null : TrainingRun.RunStages(c.Training, seed);
            double upfront = c.UpfrontUsd + (training?.CostUsd ?? 0) + (c.TeacherTokens / 1e6 * baseCost);
            double daily = spec.OutputTokensPerDay / 1e6 * cost;
            double payback = i == 0 ? 0
                : daily >= baseDaily ? double.PositiveInfinity
                : upfront / (baseDaily - daily);
            outcomes.Add(new ChoiceOutcome
            {
                Name = c.Name,
                ReplicaTokensPerSecond = capacities[i],
                CostPerMillionTokens = cost,
                ServingUsdPerDay = daily,
                Quality = quality,
                UpfrontUsd = upfront,
                TrainingDays = training?.WallDays ?? 0,
                TotalUsd = upfront + (spec.HorizonDays * daily),
                PaybackDays = payback,
            });
        }

        return new ChoicesResult(outcomes);
    }

    /// <inheritdoc/>
    public override IReadOnlyList<MetricColumn> SummaryColumns(IReadOnlyList<PointResult> results) =>
    [
        .. Names(results).SelectMany(n => new MetricColumn[]
        {
            new($"choice.{n}.cost_per_mtok", $"{n} $/Mtok", 1, "0.000"),
            new($"choice.{n}.quality", $"{n} quality", 1, "0.000"),
            new($"choice.{n}.payback_days", $"{n} payback d", 1, "0.0"),
        }),
    ];

    /// <inheritdoc/>
    public override IEnumerable<string> Findings(IReadOnlyList<PointResult> results)
    {
        foreach (PointResult r in results)
        {
            string where = r.Point.Parameters.Count == 0 ? string.Empty : $" ({r.Point.Label})";
            string[] names = [.. Names([r])];
            double baseCost = r.Metric($"choice.{names[0]}.cost_per_mtok").Mean;
            double baseQuality = r.Metric($"choice.{names[0]}.quality").Mean;
            foreach (string n in names.Skip(1))
            {
                double cost = r.Metric($"choice.{n}.cost_per_mtok").Mean;
                double quality = r.Metric($"choice.{n}.quality").Mean;
                double payback = r.Metric($"choice.{n}.payback_days").Mean;
                double upfront = r.Metric($"choice.{n}.upfront_usd").Mean;
                string repaid = double.IsFinite(payback) ? $"repays its ${upfront / 1e6:0.00} M up front in {payback:0.0} days" : "never repays its up-front cost";
                yield return string.Create(CultureInfo.InvariantCulture,
                    $"{n}: ${cost:0.000} per M tokens ({cost / baseCost:P0} of {names[0]}'s ${baseCost:0.000}), quality {quality:0.000} against {baseQuality:0.000}; {repaid}{where}");
            }
        }
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> SweepMetrics(IReadOnlyList<PointResult> results) =>
        [.. Names(results).Select(n => $"choice.{n}.cost_per_mtok"), .. Names(results).Skip(1).Select(n => $"choice.{n}.payback_days")];

    /// <summary>The candidates' names, the baseline first, as the first result reports them.</summary>
    private static IEnumerable<string> Names(IReadOnlyList<PointResult> results) =>
        results.Count == 0 ? [] : results[0].Point.Choices!.Candidates.Select(c => c.Name);
}
