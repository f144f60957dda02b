namespace ClusterSim.Experiments.Replay;

/// <summary>Simulated means over the requests that arrived in one load stage (or the whole run), milliseconds.</summary>
public readonly record struct SimulatedStage(double TtftMs, double ItlMs, double E2eMs, double OutputTokensPerSecond, long Requests);
