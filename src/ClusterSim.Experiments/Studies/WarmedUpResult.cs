using ClusterSim.Core.Metrics;

namespace ClusterSim.Experiments.Studies;

/// <summary>A serving run whose warm-up was chosen from a first run of the same replication: its figures, and that warm-up (<c>warmup_s</c>) after them.</summary>
internal sealed class WarmedUpResult(ISimulationResult measured, double warmupSeconds) : ISimulationResult
{
    /// <inheritdoc/>
    public bool Conserved => measured.Conserved;

    /// <inheritdoc/>
    public IReadOnlyList<(string Name, double Value)> Scalars() => [.. measured.Scalars(), ("warmup_s", warmupSeconds)];

    /// <inheritdoc/>
    public SeriesTable Series() => measured.Series();

    /// <inheritdoc/>
    public QuantileTable Quantiles() => measured.Quantiles();
}
