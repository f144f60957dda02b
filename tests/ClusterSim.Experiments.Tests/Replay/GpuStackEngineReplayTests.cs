using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;
using ClusterSim.Experiments.Replay;
using ClusterSim.Tests;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>
/// GPUStack's optimized SGLang and TensorRT-LLM runs (data/published/gpustack-engine-runs.csv) beside the same lab's
/// vLLM baselines on the same workloads and machines (gpustack-vllm-runs.csv). Held out: nothing is fitted on them.
/// </summary>
public class GpuStackEngineReplayTests
{
    private static readonly ReplayReport Engines = ReplayReport.Run(Read("gpustack-engine-runs.csv"), SimCatalog.Default);
    private static readonly ReplayReport Baselines = ReplayReport.Run(Read("gpustack-vllm-runs.csv"), SimCatalog.Default);

    private static IReadOnlyList<MeasuredRun> Read(string file) =>
        MeasuredRunFile.Read(Path.Combine(RepositoryRoot.Path, "data", "published", file));

    private static ReplayOutcome Run(ReplayReport report, string experiment) =>
        Assert.Single(report.Outcomes, o => o.Row.Experiment == experiment);

    [Fact]
    public void Every_run_replays_on_the_engine_it_names()
    {
        Assert.Empty(Engines.Skipped);
        Assert.Equal(28, Engines.Outcomes.Count);
        Assert.All(Engines.Outcomes.Where(o => o.Row.Experiment.StartsWith("gs-sglang", StringComparison.Ordinal)), o => Assert.Equal(ServingEngine.Sglang, o.Case.Deployment.Engine));
        Assert.All(Engines.Outcomes.Where(o => o.Row.Experiment.StartsWith("gs-tensorrt", StringComparison.Ordinal)), o => Assert.Equal(ServingEngine.TensorRtLlm, o.Case.Deployment.Engine));
    }

    /// <summary>GLM-4.6 on eight H200, vLLM in BF16 at TP 8 and SGLang in FP8 at TP 4: a tenth to a third fast (not the bursts).</summary>
    [Theory]
    [InlineData("gs-vllm-glm46-h200-32k")]
    [InlineData("gs-vllm-glm46-h200-4k")]
    [InlineData("gs-vllm-glm46-h200-2k")]
    [InlineData("gs-sglang-glm46-h200-32k")]
    [InlineData("gs-sglang-glm46-h200-4k")]
    [InlineData("gs-sglang-glm46-h200-2k")]
    public void GLM_4_6_on_H200_serves_within_a_third_of_the_published_throughput(string experiment) =>
        Assert.InRange(Run(Engines, experiment).ThroughputError, -0.10, 0.35);

    /// <summary>
    /// TensorRT-LLM on one A100, BF16 (ampere-trtllm/bf16), with its own default limits (2,048 sequences, 8,192 tokens):
    /// within −13 to −1 % (−6 to +8 % with vLLM's). Qwen3-32B's 2,000- and 4,000-token runs, bound by streaming its
    /// weights to a few sequences at a time, went from −9 and −10 % to −11 and −13 % when the A100's memory factors took
    /// its measured share of its bandwidth (5 December 2026), which NIM's, TensorRT-LLM 0.9.0's and BLIS's A100 runs bear out.
    /// </summary>
    [Theory]
    [InlineData("gs-tensorrt-q14b-a100-32k")]
    [InlineData("gs-tensorrt-q14b-a100-4k")]
    [InlineData("gs-tensorrt-q14b-a100-2k")]
    [InlineData("gs-tensorrt-q14b-a100-128")]
    [InlineData("gs-tensorrt-q32b-a100-32k")]
    [InlineData("gs-tensorrt-q32b-a100-4k")]
    [InlineData("gs-tensorrt-q32b-a100-2k")]
    [InlineData("gs-tensorrt-q32b-a100-128")]
    public void TensorRT_LLM_on_the_A100_serves_at_the_published_throughput(string experiment) =>
        Assert.InRange(Run(Engines, experiment).ThroughputError, -0.14, 0.10);

    /// <summary>
    /// The lab's H100 runs all come out about twice as fast as published whatever the engine (vLLM's baselines too), so
    /// the gap is that machine's; what a planner asks of it, how much SGLang with FP8 weights gains over vLLM with BF16
    /// ones on the same card and workload, is predicted within 11 % (measured 1.39, 1.33 and 1.22; simulated 1.24, 1.22
    /// and 1.17, SGLang's prompt-first steps costing it some throughput the real server does not lose).
    /// </summary>
    [Theory]
    [InlineData("2k")]
    [InlineData("4k")]
    [InlineData("32k")]
    public void SGLang_FP8s_gain_over_vLLM_BF16_on_the_same_H100_is_predicted(string workload)
    {
        ReplayOutcome sglang = Run(Engines, $"gs-sglang-q14b-h100-{workload}"), vllm = Run(Baselines, $"gs-q14-h100-{workload}");

        double measured = sglang.Row.ThroughputTokensPerSecond!.Value / vllm.Row.ThroughputTokensPerSecond!.Value;
        double simulated = sglang.Simulated.OutputTokensPerSecond / vllm.Simulated.OutputTokensPerSecond;
        Assert.InRange(simulated / measured, 0.87, 1.0);
        Assert.InRange(sglang.ThroughputError, 0.5, 1.0);   // the machine's gap, as vLLM's: +62 to +100 %
    }

    /// <summary>
    /// SGLang runs prompt chunks in steps of their own and decodes between them: GLM-4.6's gaps between tokens on four
    /// H200 land within 9 % (+9, +7, +5 and +2 %), where decodes riding along with every prompt chunk, vLLM's way, gave
    /// +83, +31, +22 and −66 %.
    /// </summary>
    [Theory]
    [InlineData("32k")]
    [InlineData("4k")]
    [InlineData("2k")]
    [InlineData("128")]
    public void SGLangs_prompt_first_steps_give_GLM_4_6s_gaps_between_tokens(string workload) =>
        Assert.InRange(Run(Engines, $"gs-sglang-glm46-h200-{workload}").ItlError, -0.10, 0.10);
}
