namespace ClusterSim.Core.Performance;

/// <summary>
/// Efficiency factors fitted on published serving results (see the README's calibration table for which
/// rows were fitted and which are held out). Accelerators without a fit get the generic default.
/// </summary>
public static class CalibratedEfficiency
{
    /// <summary>
    /// Fitted on two TensorRT-LLM rows of Llama 3.1 8B FP8 on one H100 (128/128 and 1000/1000 tokens):
    /// the first is compute-bound, the second memory-bound, so the two rows pin the two factors.
    /// </summary>
    public static EfficiencyFactors Hopper { get; } = new()
    {
        Compute = 0.42,
        Memory = 0.78,
        IterationOverheadSeconds = 0.0008,
        CollectiveLatencySeconds = 6e-6,
    };

    /// <summary>Used where no published row allows a fit.</summary>
    public static EfficiencyFactors Generic { get; } = new();

    /// <summary>The calibrated factors for an accelerator id.</summary>
    public static EfficiencyFactors For(string acceleratorId) =>
        acceleratorId.StartsWith("H100", StringComparison.OrdinalIgnoreCase) || acceleratorId.StartsWith("H200", StringComparison.OrdinalIgnoreCase)
            ? Hopper
            : Generic;
}
