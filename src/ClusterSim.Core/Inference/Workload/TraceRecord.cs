namespace ClusterSim.Core.Inference.Workload;

/// <summary>
/// One request of a replayed trace: arrival offset from the trace start, prompt and output tokens, and what its prompt
/// shares with others (unique unless the trace says so).
/// </summary>
public readonly record struct TraceRecord(long OffsetNanos, int PromptTokens, int OutputTokens)
{
    /// <summary>What the prompt shares with other requests of the trace, for a prefix or response cache.</summary>
    public PromptIdentity Identity { get; init; } = PromptIdentity.Unique;

    /// <summary>The request's class, an index into the scenario's classes (a measured trace's priority); −1: drawn by the classes' shares.</summary>
    public int Class { get; init; } = -1;
}
