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

    /// <summary>Cells over two categorical axes; Y holds the values row by row (rows are the y categories).</summary>
    Heatmap,
}
