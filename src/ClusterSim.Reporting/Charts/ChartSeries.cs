namespace ClusterSim.Reporting.Charts;

/// <summary>A named series of points, optionally with a lower/upper band (a confidence interval) drawn shaded.</summary>
public sealed record ChartSeries(string Name, SeriesKind Kind, IReadOnlyList<double> X, IReadOnlyList<double> Y)
{
    public IReadOnlyList<double>? Lower { get; init; }
    public IReadOnlyList<double>? Upper { get; init; }

    /// <summary>The index of the winning point (a bar drawn in its own colour and labelled best), or null when none wins.</summary>
    public int? Best { get; init; }

    /// <summary>True when the winner's 95 % interval overlaps the runner-up's: it is labelled a tie, not a win.</summary>
    public bool BestTied { get; init; }
}
