namespace ClusterSim.Core.Metrics;

/// <summary>What any simulation run reports: named scalars in a stable order, time series, and whether its invariants held.</summary>
public interface ISimulationResult
{
    /// <summary>Named scalar metrics in a stable order, for tables, CSV and JSON.</summary>
    IReadOnlyList<(string Name, double Value)> Scalars();

    /// <summary>Time series of the run (may be empty).</summary>
    SeriesTable Series();

    /// <summary>Distributions of the run as quantile functions (may be empty).</summary>
    QuantileTable Quantiles() => QuantileTable.Empty;

    /// <summary>True when the run's accounting invariants held (requests conserved, hours booked once).</summary>
    bool Conserved { get; }
}
