namespace ClusterSim.Experiments.Running;

/// <summary>Replications finished (read back from an interrupted run included) out of those this run owns.</summary>
public readonly record struct RunProgress(int Done, int Total);
