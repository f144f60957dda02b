namespace ClusterSim.Experiments.Studies;

/// <summary>A headline metric as a summary table shows it: its key, a column header, a scale and a .NET number format.</summary>
public sealed record MetricColumn(string Metric, string Header, double Scale, string Format);
