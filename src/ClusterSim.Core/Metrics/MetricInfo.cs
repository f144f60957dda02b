namespace ClusterSim.Core.Metrics;

/// <summary>What a scalar metric means: its key (as results and summary.csv name it), a readable name and its unit.</summary>
public sealed record MetricInfo(string Key, string Readable, string Unit);
