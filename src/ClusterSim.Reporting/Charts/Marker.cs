namespace ClusterSim.Reporting.Charts;

/// <summary>A labelled reference line: vertical at an x value (an event) or horizontal at a y value (a target).</summary>
public sealed record Marker(double Value, string Label, bool Vertical = true);
