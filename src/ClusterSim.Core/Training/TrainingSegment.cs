namespace ClusterSim.Core.Training;

/// <summary>
/// A stretch of wall time, in simulated nanoseconds, spent in one phase on <see cref="Accelerators"/> accelerators
/// during stage <see cref="Stage"/> of the run.
/// </summary>
public readonly record struct TrainingSegment(long Start, long End, TrainingPhase Phase, int Accelerators, int Stage = 0)
{
    public long Duration => End - Start;

    /// <summary>Accelerator-hours the segment holds.</summary>
    public double AcceleratorHours => Accelerators * (Duration / 1e9) / 3600;
}
