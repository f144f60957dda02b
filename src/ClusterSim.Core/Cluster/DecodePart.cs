namespace ClusterSim.Core.Cluster;

/// <summary>A disaggregated placement's decode replicas: the pool they run on and the accelerators one unit holds there.</summary>
public sealed record DecodePart(string Pool, int Accelerators);
