namespace ClusterSim.Core.Training;

/// <summary>
/// The order in which pipeline stages run micro-batches. Bubbles follow DeepSeek-AI 2024 (DeepSeek-V3 Technical Report,
/// Table 2) with the forward (F), input-gradient (B) and weight-gradient (W) passes of a micro-batch taken as equal thirds.
/// </summary>
public enum PipelineSchedule
{
    /// <summary>One forward, one backward (PipeDream-Flush): bubble (p−1)/m of the work.</summary>
    OneForwardOneBackward,

    /// <summary>Interleaved 1F1B with v model chunks per stage: bubble (p−1)/(v·m), v times the point-to-point traffic.</summary>
    Interleaved,

    /// <summary>Zero-bubble ZB1P (Qi et al. 2024): weight gradients fill the bubble, leaving (p−1)(F+B−2W), a third of 1F1B's.</summary>
    ZeroBubble,

    /// <summary>
    /// DualPipe (DeepSeek-V3): micro-batches fed from both ends, bubble (p/2−1)(F&amp;B+B−3W), about a sixth of 1F1B's;
    /// each stage holds two copies of its parameters and p+1 micro-batches of activations.
    /// </summary>
    DualPipe,
}
