namespace ClusterSim.Core.Engine;

/// <summary>Identifies one scheduled event so that it can be cancelled; stale handles are detected, never misapplied.</summary>
public readonly record struct EventHandle(int Slot, long Sequence)
{
    /// <summary>A handle that refers to no event.</summary>
    public static EventHandle None => new(-1, -1);
}
