using ClusterSim.Core.Training;

namespace ClusterSim.Core.Tests.Training;

/// <summary>What a published row reports, so the prediction can be read off the same way.</summary>
public enum PublishedMetric
{
    /// <summary>Achieved TFLOP/s per GPU counting recomputation (Megatron-LM, MT-NLG).</summary>
    HardwareTflopsPerGpu,

    /// <summary>Model TFLOP/s per GPU (MFU × peak; Llama 3).</summary>
    ModelTflopsPerGpu,

    TokensPerSecondPerGpu,

    /// <summary>GPU-hours of the whole run, failures included.</summary>
    GpuHours,

    /// <summary>Wall-clock days of the whole run, failures and restarts included.</summary>
    WallDays,

    /// <summary>Energy drawn by the accelerators alone (no PUE), MWh.</summary>
    GpuEnergyMwh,
}

/// <summary>One row of published training throughput with the plan used to predict it, and whether it was fitted or held out.</summary>
public sealed record PublishedTrainingRun(string Name, TrainingJob Job, PublishedMetric Metric, double Published, bool Fitted, bool PlanPublished, string Source)
{
    /// <summary>The row of data/published/training-runs-public.csv this comes from (null: a figure from a paper the file does not list).</summary>
    public string? CsvRow { get; init; }

    /// <summary>True when the row fits the routed experts' matmul efficiency (the dense one fitted elsewhere), not the dense one.</summary>
    public bool FitsExpertMatmul { get; init; }

    /// <summary>True when the row fits the hybrid layers' chunked-scan share (<see cref="Core.Performance.RecurrentKernels.ScanShareOfBf16Peak"/>), the matmul fitted elsewhere.</summary>
    public bool FitsScan { get; init; }

    /// <summary>Why the model misses this row, when it is a documented miss rather than a pass.</summary>
    public string? KnownMiss { get; init; }

    /// <summary>The band (predicted ÷ published) a documented miss is held to, so it cannot drift unnoticed.</summary>
    public (double Low, double High) MissBand { get; init; }

    public override string ToString() => Name;
}
