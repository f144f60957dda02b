namespace ClusterSim.Core.Inference;

/// <summary>Latency bounds a request must meet to count towards goodput.</summary>
public sealed record ServiceLevelObjective(double TtftSeconds = 2.0, double TpotSeconds = 0.2);
