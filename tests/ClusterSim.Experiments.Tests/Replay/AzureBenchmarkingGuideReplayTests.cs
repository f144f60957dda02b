using ClusterSim.Core.Catalog;
using ClusterSim.Experiments.Replay;
using ClusterSim.Tests;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>
/// Azure's AI-benchmarking-guide, one harness on three VM types (data/published/azure-trtllm-bench-runs.csv and
/// azure-mi300x-vllm-runs.csv, built by data/published/scripts/azure_benchmarking_guide.py): Llama 3.1 8B, 70B and 405B in
/// FP8, 1,000 fixed-length requests at once, under trtllm-bench 0.15 on eight H100 or H200 and under ROCm's vLLM V0 image
/// of November 2024 on eight MI300X with ten scheduler steps. Held out but for the MI300X 8B rows, which fit multi-step
/// scheduling's output-processing share; pinned here (docs/calibration.md, "Azure's benchmarking guide", "vLLM's multi-step scheduling").
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
        // 6.6 % in the median (6 December 2026, with the LM head in 16 bits beside the FP8 layers; 8.6 % before it).
        Assert.InRange(ReplayReport.MedianAbsolute(Trtllm.Outcomes, o => o.ThroughputError), 0.04, 0.09);
        Assert.All(Trtllm.Outcomes.Where(o => o.Case.Deployment.Accelerator.Id == "H100-SXM"), o => Assert.InRange(o.ThroughputError, 0, 0.6));
    }

    [Fact]
    public void ROCm_vLLM_V0_on_MI300X_with_ten_scheduler_steps_lands_within_eleven_percent_held_out()
    {
        Assert.Equal(18, Mi300x.Outcomes.Count);
        Assert.All(Mi300x.Outcomes, o => Assert.Equal("cdna3-vllm/fp8", o.Case.Calibration.Name));
        Assert.All(Mi300x.Outcomes, o => Assert.Equal(10, o.Case.Deployment.MultiStep));

        // Measured 5 December 2026 with the ten-step windows (VllmMultiStep; its output-processing share fitted on the 8B
        // rows): 8B -11.2 to +19.1 % (median 4.7 %), held out 70B +1.9 to +10.1 % (4.7 %), 405B -5.3 to +21.8 % (4.1 %).
        // Every step scheduled on its own (one step a window) they were 8B -37 to -3 %, 70B -23 to -9 %, 405B -13 to +15 %.
        var heldOut = Mi300x.Outcomes.Where(o => !o.Row.Experiment.Contains("-8b-", StringComparison.Ordinal)).ToList();
        Assert.Equal(12, heldOut.Count);
        Assert.InRange(ReplayReport.MedianAbsolute(heldOut, o => o.ThroughputError), 0.02, 0.07);
        Assert.All(heldOut.Where(o => !o.Row.Experiment.EndsWith("2048-2048", StringComparison.Ordinal)), o => Assert.InRange(o.ThroughputError, -0.07, 0.08));
        ThroughputWithin(Mi300x, "azure-mi300x-8b-tp1-128-128", -0.15, -0.07);
        ThroughputWithin(Mi300x, "azure-mi300x-405b-tp8-2048-2048", 0.15, 0.27);   // the longest contexts come out fast on every model
        Assert.InRange(ReplayReport.MedianAbsolute(Mi300x.Outcomes, o => o.ThroughputError), 0.03, 0.06);
    }

    [Fact]
    public void Scheduling_every_step_on_its_own_leaves_the_short_sequences_a_third_slow()
    {
        var cases = MeasuredRunFile.Read(Path.Combine(RepositoryRoot.Path, "data", "published", "azure-mi300x-vllm-runs.csv"))
            .Where(r => r.Experiment is "azure-mi300x-8b-tp1-128-128" or "azure-mi300x-70b-tp8-128-1024")
            .Select(r => r with { MultiStep = 1 })
            .ToList();
        ReplayReport single = ReplayReport.Run(cases, SimCatalog.Default);
        ThroughputWithin(single, "azure-mi300x-8b-tp1-128-128", -0.42, -0.30);
        ThroughputWithin(single, "azure-mi300x-70b-tp8-128-1024", -0.28, -0.18);
    }

    private static void ThroughputWithin(ReplayReport report, string experiment, double low, double high) =>
        Assert.InRange(report.Outcomes.Single(o => o.Row.Experiment == experiment).ThroughputError, low, high);
}
