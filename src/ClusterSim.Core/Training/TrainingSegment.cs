namespace ClusterSim.Core.Training;

/// <summary>A stretch of wall time, in simulated nanoseconds, spent in one phase.</summary>
public readonly record struct TrainingSegment(long Start, long End, TrainingPhase Phase)
{
    public long Duration => End - Start;
}
