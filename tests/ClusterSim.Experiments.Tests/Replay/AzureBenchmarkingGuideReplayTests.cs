using ClusterSim.Core.Catalog;
using ClusterSim.Experiments.Replay;
using ClusterSim.Tests;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>
/// Azure's AI-benchmarking-guide, one harness on three VM types (data/published/azure-trtllm-bench-runs.csv and
/// azure-mi300x-vllm-runs.csv, built by data/published/scripts/azure_benchmarking_guide.py): Llama 3.1 8B, 70B and 405B in
/// FP8, 1,000 fixed-length requests at once, under trtllm-bench 0.15 on eight H100 or H200 and under ROCm's vLLM V0 image
/// of November 2024 on eight MI300X. Held out, pinned here (docs/calibration.md, "Azure's benchmarking guide").
/// </summary>
public class AzureBenchmarkingGuideReplayTests
{
    private static readonly List<CatalogException> Skipped = [];

    private static readonly ReplayReport Trtllm = ReplayReport.Run(
        PublishedResultsFile.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "data", "published", "azure-trtllm-bench-runs.csv")), "azure-trtllm-bench-runs.csv", SimCatalog.Default, Skipped),
        SimCatalog.Default);

    private static readonly ReplayReport Mi300x = ReplayReport.Run(
        MeasuredRunFile.Read(Path.Combine(RepositoryRoot.Path, "data", "published", "azure-mi300x-vllm-runs.csv")), SimCatalog.Default);

    [Fact]
    public void Trtllm_bench_0_15_on_H200_lands_within_eight_percent_and_H100_comes_out_fast()
    {
        Assert.Empty(Skipped);
        Assert.Equal(36, Trtllm.Outcomes.Count);
        Assert.All(Trtllm.Outcomes, o => Assert.Equal("hopper-trtllm@0.x/fp8", o.Case.Calibration.Name));

        // Measured 5 December 2026: H200's 70B and 405B rows -6.3 to +7.3 %; its 8B rows +10 to +43 %, H100's +3 to +52 %
        // (fastest at 128-token prompts: the engine's limits, built for 2,048/2,048, are the runner's, its settings in 0.15 unknown).
        var h200Large = Trtllm.Outcomes.Where(o => o.Case.Deployment.Accelerator.Id == "H200" && o.Case.Deployment.TensorParallel == 8).ToList();
        Assert.Equal(12, h200Large.Count);
        Assert.All(h200Large, o => Assert.InRange(o.ThroughputError, -0.09, 0.10));
        Assert.InRange(ReplayReport.MedianAbsolute(Trtllm.Outcomes, o => o.ThroughputError), 0.08, 0.15);
        Assert.All(Trtllm.Outcomes.Where(o => o.Case.Deployment.Accelerator.Id == "H100-SXM"), o => Assert.InRange(o.ThroughputError, 0, 0.6));
    }

    [Fact]
    public void ROCm_vLLM_V0_on_MI300X_comes_out_slow_where_the_batch_is_many_short_sequences()
    {
        Assert.Equal(18, Mi300x.Outcomes.Count);
        Assert.All(Mi300x.Outcomes, o => Assert.Equal("cdna3-vllm/fp8", o.Case.Calibration.Name));

        // Measured 5 December 2026 on cdna3-vllm/fp8 (fitted on vLLM 0.10.2's batches of 1,500-3,200 sequences, 35 us a
        // sequence): 8B at TP 1 -37 to -3 %, 70B -23 to -9 %, 405B -13 to +15 %; median |error| 15.4 %. `clustersim
        // calibrate` on these rows alone gives 10.8 us a sequence (3.9 %): V0's ten-step scheduling spreads the host's work.
        ThroughputWithin(Mi300x, "azure-mi300x-8b-tp1-128-128", -0.42, -0.30);
        ThroughputWithin(Mi300x, "azure-mi300x-8b-tp1-2048-2048", -0.08, 0.03);
        ThroughputWithin(Mi300x, "azure-mi300x-405b-tp8-2048-2048", 0.08, 0.22);
        Assert.InRange(ReplayReport.MedianAbsolute(Mi300x.Outcomes, o => o.ThroughputError), 0.12, 0.19);
    }

    private static void ThroughputWithin(ReplayReport report, string experiment, double low, double high) =>
        Assert.InRange(report.Outcomes.Single(o => o.Row.Experiment == experiment).ThroughputError, low, high);
}
