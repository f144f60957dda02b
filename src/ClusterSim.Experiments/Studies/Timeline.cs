namespace ClusterSim.Experiments.Studies;

/// <summary>A replayed replication's timeline as Perfetto JSON, and what a reader should know about it (null when nothing).</summary>
public sealed record Timeline(string Json, string? Note);
