namespace ClusterSim.Core.Metrics;

/// <summary>Time series on one shared time axis (seconds), one column per quantity, for CSV files and charts.</summary>
public sealed record SeriesTable(IReadOnlyList<double> TimeSeconds, IReadOnlyList<SeriesColumn> Columns)
{
    /// <summary>A table with no rows.</summary>
    public static SeriesTable Empty { get; } = new([], []);

    /// <summary>The column called <paramref name="name"/>.</summary>
    public SeriesColumn Column(string name) => Columns.FirstOrDefault(c => c.Name == name)
        ?? throw new ArgumentException($"no series column '{name}' (have: {string.Join(", ", Columns.Select(c => c.Name))})");
}
