namespace ClusterSim.Core.Training;

/// <summary>One cause of unexpected interruption and its share of all unexpected interruptions.</summary>
public sealed record FailureCause(string Name, double Share);
