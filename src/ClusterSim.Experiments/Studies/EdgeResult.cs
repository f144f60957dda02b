using ClusterSim.Core.Metrics;

namespace ClusterSim.Experiments.Studies;

/// <summary>Cloud, edge and hybrid serving of one assistant, each as <c>mode.NAME.*</c> scalars.</summary>
public sealed record EdgeResult(IReadOnlyList<EdgeModeOutcome> Modes, double CloudFleetAccelerators) : ISimulationResult
{
    /// <inheritdoc/>
    public IReadOnlyList<(string Name, double Value)> Scalars() =>
    [
        .. Modes.SelectMany(m => new (string, double)[]
        {
            ($"mode.{m.Mode}.ttft_p50_s", m.TtftP50Seconds),
            ($"mode.{m.Mode}.ttft_p95_s", m.TtftP95Seconds),
            ($"mode.{m.Mode}.tokens_per_s", m.TokensPerSecond),
            ($"mode.{m.Mode}.usd_per_user_month", m.UsdPerUserMonth),
            ($"mode.{m.Mode}.lost_share", m.LostShare),
            ($"mode.{m.Mode}.quality", m.Quality),
        }),
        ("cloud_fleet_accelerators", CloudFleetAccelerators),
    ];

    /// <inheritdoc/>
    public SeriesTable Series() => SeriesTable.Empty;

    /// <inheritdoc/>
    public bool Conserved => Modes.All(m => m.LostShare is >= 0 and <= 1 && m.UsdPerUserMonth >= 0);
}
