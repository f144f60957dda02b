namespace ClusterSim.Core.Performance;

/// <summary>Duration of one iteration and whether compute (rather than memory traffic) bounded it.</summary>
public readonly record struct IterationCost(long Nanos, bool ComputeBound);
