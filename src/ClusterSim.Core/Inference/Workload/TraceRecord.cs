namespace ClusterSim.Core.Inference.Workload;

/// <summary>One request of a replayed trace: arrival offset from the trace start, prompt and output tokens.</summary>
public readonly record struct TraceRecord(long OffsetNanos, int PromptTokens, int OutputTokens);
