namespace ClusterSim.Core.Inference;

/// <summary>
/// Where a stretch of iterations must stop because the batch may change from outside: after the first iteration that
/// ends at or past <see cref="End"/>, or after the first that starts at or past <see cref="Start"/>. A request queued
/// while an engine without async scheduling runs a step joins at that step's end (an end horizon); with async
/// scheduling the step after it was formed when that step began, so the request joins at the end of the first step
/// that starts after it came (a start horizon: the stretch runs one iteration past the arrival).
/// </summary>
internal readonly record struct StretchHorizon(long End, long Start)
{
    /// <summary>A stretch's iteration from <paramref name="start"/> to <paramref name="end"/> is its last.</summary>
    public bool StopsAfter(long start, long end) => end >= End || start >= Start;

    /// <summary>The earlier of the two: no iteration ending before it is cut.</summary>
    public long Earliest => Math.Min(End, Start);
}
