namespace ClusterSim.Reporting.Charts;

/// <summary>Everything a renderer needs to draw one chart; no drawing decisions live here.</summary>
public sealed record Chart
{
    /// <summary>Short identifier, used for file names and element ids.</summary>
    public required string Id { get; init; }
    public required string Title { get; init; }
    public string? Subtitle { get; init; }
    public required Axis X { get; init; }
    public required Axis Y { get; init; }
    public required IReadOnlyList<ChartSeries> Series { get; init; }
    public IReadOnlyList<Marker> Markers { get; init; } = [];
    public int Width { get; init; } = 960;
    public int Height { get; init; } = 540;
}
