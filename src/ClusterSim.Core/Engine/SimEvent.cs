namespace ClusterSim.Core.Engine;

/// <summary>What a handler receives when one of its events fires: the time, a kind chosen by the handler, and one argument.</summary>
public readonly record struct SimEvent(long Time, int Kind, long Argument);
