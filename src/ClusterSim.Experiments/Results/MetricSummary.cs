namespace ClusterSim.Experiments.Results;

/// <summary>One scalar metric over a point's replications: mean and the half-width of its 95 % Student-t interval (0 with one replication).</summary>
public readonly record struct MetricSummary(string Name, double Mean, double HalfWidth95, int Samples);
