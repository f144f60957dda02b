namespace ClusterSim.Core.Metrics;

/// <summary>
/// Distributions as quantile functions on one shared axis of cumulative levels (0–1): one column per quantity,
/// holding the value at or below which that share of observations falls. Latency CDFs are drawn from it.
/// </summary>
public sealed record QuantileTable(IReadOnlyList<double> Levels, IReadOnlyList<SeriesColumn> Columns)
{
    /// <summary>A table with no levels.</summary>
    public static QuantileTable Empty { get; } = new([], []);

    /// <summary>The levels charts and files use: every percent, then 99.5 % and 99.9 %.</summary>
    public static IReadOnlyList<double> StandardLevels { get; } = [.. Enumerable.Range(1, 99).Select(i => i / 100.0), 0.995, 0.999];

    /// <summary>The column called <paramref name="name"/>.</summary>
    public SeriesColumn Column(string name) => Columns.FirstOrDefault(c => c.Name == name)
        ?? throw new ArgumentException($"no quantile column '{name}' (have: {string.Join(", ", Columns.Select(c => c.Name))})");
}
