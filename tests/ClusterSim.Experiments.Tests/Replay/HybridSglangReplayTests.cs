using ClusterSim.Core.Catalog;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Replay;
using ClusterSim.Tests;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>
/// Qwen3-Next-80B-A3B (36 Gated DeltaNet layers beside 12 attending ones) under SGLang on H200 and H20
/// (data/published/qwen3-next-sglang-runs.csv, held out), read with the model's config.json as `--models` gives it.
/// </summary>
public class HybridSglangReplayTests
{
    private static readonly ReplayReport Report = ReplayReport.Run(
        MeasuredRunFile.Read(Path.Combine(RepositoryRoot.Path, "data", "published", "qwen3-next-sglang-runs.csv")),
        SimCatalog.Default with
        {
            Models = SimCatalog.Default.Models.With(ModelFile.Read(Path.Combine(RepositoryRoot.Path, "data", "hf-configs", "Qwen3-Next-80B-A3B-Instruct.json"), "Qwen3-Next-80B-A3B-Instruct.json", [])),
        });

    private static ReplayOutcome Run(string experiment) => Report.Outcomes.Single(o => o.Row.Experiment == experiment);

    [Fact]
    public void On_H200_the_hybrid_lands_within_a_fifth_at_every_tensor_parallel_size()
    {
        // Measured on 4 December 2026: +14.5, +1.0 and −19.8 % output throughput at TP 2, 4 and 8 (8 users, 1,000/2,000);
        // +18.2, +5.8 and −16.2 % once the experts' combine was timed and vLLM's expert half width refitted with it (520 → 428).
        foreach (int tp in new[] { 2, 4, 8 })
        {
            ReplayOutcome run = Run($"sgl-qwen3next-h200-tp{tp}-1000-2000-c8");
            Assert.True(run.Case.Deployment.Model.HasLinearLayers);
            Assert.InRange(run.ThroughputError, -0.2, 0.2);
        }
    }

    [Fact]
    public void On_H20_the_borrowed_vLLM_expert_terms_make_it_compute_bound_and_far_slow()
    {
        // SGLang has no BF16 row, so vLLM's expert terms apply (a 64-row tile for each touched expert, at w / (w + 428) of
        // the GEMM efficiency for 128-wide slices): on the H20's 148 TFLOPS that makes a 32-user decode compute-bound,
        // 533 tokens/s against 2,233 measured. SGLang's own MoE kernels pay no such tile (hopper-sglang/fp8 fitted under one row
        // on DeepSeek-R1): a lead for an SGLang BF16 row, not a fault of the hybrid's terms, which are under 1 % of that step.
        Assert.InRange(Run("sgl-qwen3next-h20-tp4-1000-2000-c32").ThroughputError, -0.85, -0.7);
        Assert.InRange(Run("sgl-qwen3next-h20-tp8-1000-2000-c32").ThroughputError, -0.85, -0.7);
    }
}
