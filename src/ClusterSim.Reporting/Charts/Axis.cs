namespace ClusterSim.Reporting.Charts;

/// <summary>One axis: label, unit, scale and optional fixed range.</summary>
public sealed record Axis(string Label, UnitKind Unit = UnitKind.Number)
{
    public bool Log { get; init; }
    public double? Min { get; init; }
    public double? Max { get; init; }

    /// <summary>Calendar date of value 0 when <see cref="Unit"/> is <see cref="UnitKind.Date"/>.</summary>
    public DateOnly? DateOrigin { get; init; }

    /// <summary>Only whole-number ticks (counts, replicas).</summary>
    public bool WholeTicks { get; init; }

    /// <summary>Names of the positions 0, 1, 2 … on a categorical axis (bars, heatmap rows and columns).</summary>
    public IReadOnlyList<string>? Categories { get; init; }
}
