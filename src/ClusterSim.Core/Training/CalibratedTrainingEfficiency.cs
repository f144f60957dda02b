namespace ClusterSim.Core.Training;

/// <summary>
/// Training efficiency fitted on one published row per GPU generation (the README's training table says which
/// rows are fitted and which are held out). Other accelerators get the generic default.
/// </summary>
public static class CalibratedTrainingEfficiency
{
    /// <summary>Fitted on Megatron-LM 1T on 3,072 A100 (163 TFLOP/s per GPU, Narayanan et al. 2021 Table 1).</summary>
    public static TrainingEfficiency Ampere { get; } = new() { Matmul = 0.63 };

    /// <summary>Fitted on Llama 3.1 405B on 16,384 H100 (400 TFLOP/s per GPU, Llama 3 paper Table 4).</summary>
    public static TrainingEfficiency Hopper { get; } = new() { Matmul = 0.84 };

    /// <summary>Used where no published row allows a fit.</summary>
    public static TrainingEfficiency Generic { get; } = new();

    /// <summary>The calibrated factors for an accelerator id.</summary>
    public static TrainingEfficiency For(string acceleratorId) =>
        acceleratorId.StartsWith("A100", StringComparison.OrdinalIgnoreCase) ? Ampere
        : acceleratorId.StartsWith("H100", StringComparison.OrdinalIgnoreCase) || acceleratorId.StartsWith("H200", StringComparison.OrdinalIgnoreCase) ? Hopper
        : Generic;
}
