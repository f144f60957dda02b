namespace ClusterSim.Reporting.Charts;

/// <summary>How a series is drawn.</summary>
public enum SeriesKind
{
    Line,
    Step,
    Area,

    /// <summary>Areas stacked on the previous stacked series, in order.</summary>
    StackedArea,
    Scatter,
    Bar,
}
