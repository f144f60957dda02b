namespace ClusterSim.Core.Metrics;

/// <summary>One quantity of a <see cref="SeriesTable"/>, with its unit for axis labels.</summary>
public sealed record SeriesColumn(string Name, string Unit, IReadOnlyList<double> Values);
