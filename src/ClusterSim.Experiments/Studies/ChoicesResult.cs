using ClusterSim.Core.Metrics;

namespace ClusterSim.Experiments.Studies;

/// <summary>The baseline and every candidate of one comparison, each as <c>choice.NAME.*</c> scalars.</summary>
public sealed record ChoicesResult(IReadOnlyList<ChoiceOutcome> Outcomes) : ISimulationResult
{
    /// <inheritdoc/>
    public IReadOnlyList<(string Name, double Value)> Scalars() =>
    [
        .. Outcomes.SelectMany(o => new (string, double)[]
        {
            ($"choice.{o.Name}.cost_per_mtok", o.CostPerMillionTokens),
            ($"choice.{o.Name}.quality", o.Quality),
            ($"choice.{o.Name}.upfront_usd", o.UpfrontUsd),
            ($"choice.{o.Name}.payback_days", o.PaybackDays),
            ($"choice.{o.Name}.serving_usd_per_day", o.ServingUsdPerDay),
            ($"choice.{o.Name}.total_usd", o.TotalUsd),
            ($"choice.{o.Name}.replica_tok_s", o.ReplicaTokensPerSecond),
            ($"choice.{o.Name}.training_days", o.TrainingDays),
        }),
    ];

    /// <inheritdoc/>
    public SeriesTable Series() => SeriesTable.Empty;

    /// <inheritdoc/>
    public bool Conserved => Outcomes.All(o => o.CostPerMillionTokens > 0 && o.UpfrontUsd >= 0);
}
