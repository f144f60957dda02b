using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;
using ClusterSim.Experiments.Replay;
using ClusterSim.Tests;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>
/// GPUStack's DeepSeek pages (data/published/gpustack-deepseek-runs.csv): DeepSeek-R1 and DeepSeek-V3.2 (sparse attention)
/// under vLLM at TP 8 on eight H200, and V3.2 under SGLang with data-parallel attention over the eight, each under the
/// lab's four random workloads sent all at once. Held out: nothing is fitted on them. The lab's runs of every engine are
/// slower than the model gives (docs/calibration.md, "GPUStack"); the bounds below are what the shipped calibrations
/// gave on 4 December 2026, without the 128-token prompts whose four-token answers are mostly per-request overhead.
/// </summary>
public class GpuStackDeepSeekReplayTests
{
    private static readonly ReplayReport Report = ReplayReport.Run(
        MeasuredRunFile.Read(Path.Combine(RepositoryRoot.Path, "data", "published", "gpustack-deepseek-runs.csv")), SimCatalog.Default);

    private static List<ReplayOutcome> Runs(string prefix) =>
        Report.Outcomes.Where(o => o.Row.Experiment.StartsWith(prefix, StringComparison.Ordinal) && !o.Row.Experiment.EndsWith("-128", StringComparison.Ordinal)).ToList();

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    [Fact]
    public void Every_run_replays_with_the_layout_and_model_its_server_had()
    {
        Assert.Empty(Report.Skipped);
        Assert.Equal(12, Report.Outcomes.Count);
        List<ReplayOutcome> sglang = Runs("gs-sglang-dsv32-");
        Assert.Equal(3, sglang.Count);
        Assert.All(sglang, o => Assert.Equal(AttentionLayout.DataParallel, o.Case.Deployment.Attention));
        Assert.All(sglang, o => Assert.Equal("deepseek-v3.2", o.Case.Deployment.Model.Id));
        Assert.All(Runs("gs-vllm-"), o => Assert.Equal(AttentionLayout.TensorParallel, o.Case.Deployment.Attention));
    }

    [Fact]
    public void R1_under_vLLM_and_V3_2_under_SGLang_with_data_parallel_attention_are_fast_as_the_labs_other_runs_are()
    {
        // Output throughput: R1 +17.8, +37.4, +52.0 % (32k, 4k, 2k prompts); V3.2 on SGLang DP 8: +9.1, +56.0, +25.3 %.
        Assert.InRange(Median(Runs("gs-vllm-dsr1-").Select(o => o.ThroughputError)), 0.15, 0.50);
        Assert.InRange(Median(Runs("gs-sglang-dsv32-").Select(o => o.ThroughputError)), 0.0, 0.45);
    }

    [Fact]
    public void V3_2_under_vLLM_0_13_is_twice_as_slow_as_modelled_where_R1_in_the_same_lab_is_not()
    {
        // +93.8, +105.2, +134.5 % (32k, 4k, 2k): its measured throughput is 0.6 of R1's at each shape, where the model gives
        // V3.2 about R1's (at these contexts the top-k bounds nothing and the indexer adds a little): vLLM's sparse-attention
        // path of that release, not a term of the model (vLLM's own GB300 notes: V3.2 "still has significant room for improvement").
        List<ReplayOutcome> v32 = Runs("gs-vllm-dsv32-");
        Assert.Equal(3, v32.Count);
        Assert.All(v32, o => Assert.InRange(o.ThroughputError, 0.7, 1.6));
        foreach (ReplayOutcome o in v32)
        {
            ReplayOutcome r1 = Assert.Single(Runs("gs-vllm-dsr1-"), x => x.Row.Workload == o.Row.Workload);
            double measured = o.Row.ThroughputTokensPerSecond!.Value / r1.Row.ThroughputTokensPerSecond!.Value;
            double simulated = o.Simulated.OutputTokensPerSecond / r1.Simulated.OutputTokensPerSecond;
            Assert.InRange(measured, 0.55, 0.70);
            Assert.InRange(simulated, 0.85, 1.05);
        }
    }
}
