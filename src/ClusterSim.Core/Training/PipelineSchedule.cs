namespace ClusterSim.Core.Training;

/// <summary>The order in which pipeline stages run micro-batches.</summary>
public enum PipelineSchedule
{
    /// <summary>One forward, one backward (PipeDream-Flush): bubble (p−1)/m.</summary>
    OneForwardOneBackward,

    /// <summary>Interleaved 1F1B with v model chunks per stage: bubble (p−1)/(v·m), v times the point-to-point traffic.</summary>
    Interleaved,
}
