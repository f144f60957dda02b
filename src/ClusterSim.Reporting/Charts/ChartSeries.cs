namespace ClusterSim.Reporting.Charts;

/// <summary>A named series of points, optionally with a lower/upper band (a confidence interval) drawn shaded.</summary>
public sealed record ChartSeries(string Name, SeriesKind Kind, IReadOnlyList<double> X, IReadOnlyList<double> Y)
{
    public IReadOnlyList<double>? Lower { get; init; }
    public IReadOnlyList<double>? Upper { get; init; }
}
