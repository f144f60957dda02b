using ClusterSim.Core.Catalog;
using ClusterSim.Experiments.Replay;
using ClusterSim.Tests;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>
/// Measured vLLM runs on TPU v6e (data/published/tpu-vllm-runs.csv): one chip under the 2025 PyTorch/XLA backend
/// (vllm-project/vllm#16458, April 2025) and eight chips under the tpu-inference (JAX) backend of November 2025
/// (AI-Hypercomputer/tpu-recipes, Llama 3.3 70B). No TPU serving calibration exists, so they replay on the generic rows
/// with a warning, and the misses they measure are pinned here (docs/calibration.md, "TPU serving") so that a TPU
/// calibration, when one is fitted, has to move them.
/// </summary>
public class TpuReplayTests
{
    private static readonly ReplayReport Report = ReplayReport.Run(
        MeasuredRunFile.Read(Path.Combine(RepositoryRoot.Path, "data", "published", "tpu-vllm-runs.csv")), SimCatalog.Default);

    private static ReplayOutcome Run(string experiment) => Report.Outcomes.Single(o => o.Row.Experiment == experiment);

    [Fact]
    public void Every_TPU_run_replays_on_the_generic_rows_and_says_so()
    {
        Assert.Equal(3, Report.Outcomes.Count);
        Assert.All(Report.Outcomes, o =>
        {
            Assert.Equal("generic/bf16", o.Case.Calibration.Name);
            Assert.Contains("TPU-v6e names no calibration", o.Case.CalibrationWarning, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void The_2025_PyTorch_XLA_backend_is_far_slower_than_the_generic_rows()
    {
        // Measured on 2 December 2026: 1,454 simulated output tokens/s against 945.8, +54 % (the 2025 PyTorch/XLA backend
        // prefilled 512-token chunks at about a quarter of the chip's BF16 peak; the generic rows assume H100's 0.74).
        Assert.InRange(Run("tpu-v6e-llama31-8b-1800-128").ThroughputError, 0.3, 0.8);
    }

    [Fact]
    public void The_JAX_backend_of_late_2025_lands_near_the_generic_rows_and_falls_behind_as_the_batch_grows()
    {
        ReplayOutcome c64 = Run("tpu-v6e8-llama33-70b-1k1k-c64"), c128 = Run("tpu-v6e8-llama33-70b-1k1k-c128");

        // Measured on 3 December 2026: 64 users E2E -4.5 %, ITL 24.2 against 25.4 ms, throughput +4.7 %; 128 users E2E
        // -16.3 %, ITL 29.4 against 35.1 ms, throughput +19.1 %: the simulation is fast, more so at the larger batch.
        Assert.InRange(c64.E2eError, -0.10, 0.0);
        Assert.InRange(c64.ThroughputError, 0.0, 0.10);
        Assert.InRange(c128.E2eError, -0.22, -0.10);
        Assert.InRange(c128.ThroughputError, 0.12, 0.26);
        Assert.True(c128.ItlError < c64.ItlError, "the miss grows with the batch");

        // Both measured and simulated, a token takes longer with twice the users, and the throughput rises.
        Assert.True(c128.Simulated.ItlMs > c64.Simulated.ItlMs);
        Assert.True(c128.Simulated.OutputTokensPerSecond > c64.Simulated.OutputTokensPerSecond);
    }
}
