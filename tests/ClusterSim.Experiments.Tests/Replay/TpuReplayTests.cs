using ClusterSim.Core.Catalog;
using ClusterSim.Experiments.Replay;
using ClusterSim.Tests;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>
/// A measured vLLM run on one TPU v6e (data/published/tpu-vllm-runs.csv, vllm-project/vllm#16458, April 2025): no TPU
/// serving calibration exists, so it replays on the generic rows with a warning, and the miss it measures is pinned here
/// (docs/calibration.md, "TPU serving") so that a TPU calibration, when one is fitted, has to move it.
/// </summary>
public class TpuReplayTests
{
    private static readonly ReplayReport Report = ReplayReport.Run(
        MeasuredRunFile.Read(Path.Combine(RepositoryRoot.Path, "data", "published", "tpu-vllm-runs.csv")), SimCatalog.Default);

    [Fact]
    public void A_TPU_run_replays_on_the_generic_rows_and_says_so()
    {
        ReplayOutcome outcome = Assert.Single(Report.Outcomes);
        Assert.Equal("generic/bf16", outcome.Case.Calibration.Name);
        Assert.Contains("TPU-v6e names no calibration", outcome.Case.CalibrationWarning, StringComparison.Ordinal);

        // Measured on 2 December 2026: 1,454 simulated output tokens/s against 945.8, +54 % (the 2025 PyTorch/XLA backend
        // prefilled 512-token chunks at about a quarter of the chip's BF16 peak; the generic rows assume H100's 0.74).
        Assert.InRange(outcome.ThroughputError, 0.3, 0.8);
    }
}
