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
    public void On_H200_the_hybrid_lands_within_a_quarter_at_every_tensor_parallel_size()
    {
        // Measured on 4 December 2026 on vLLM's BF16 row: +18.2, +5.8 and −16.2 % output throughput at TP 2, 4 and 8 (8 users,
        // 1,000/2,000). On SGLang's BF16 row (vLLM's fractions of peak, SGLang's expert tile and step cost, 4 December
        // 2026): +29.2, +22.7 and −0.6 %; with the recurrent terms fitted on Nemotron 3 Nano (the state's update at a
        // quarter of the KV reads' rate, the prompts' chunked scan at 0.0084 of the BF16 peak; 6 December 2026): +24.2,
        // +19.8 and −1.7 %; with the state in FP32, as SGLang's Mamba cache keeps it: +19.1, +16.9 and −2.8 %.
        foreach (int tp in new[] { 2, 4, 8 })
        {
            ReplayOutcome run = Run($"sgl-qwen3next-h200-tp{tp}-1000-2000-c8");
            Assert.True(run.Case.Deployment.Model.HasLinearLayers);
            Assert.Equal("hopper-sglang/bf16", run.Case.Deployment.CalibrationName);
            Assert.InRange(run.ThroughputError, -0.1, 0.25);
        }
    }

    [Fact]
    public void On_H20_SGLangs_own_expert_tile_keeps_the_decode_memory_bound()
    {
        // On vLLM's row each touched expert paid a 64-row tile at w / (w + 428) of the GEMM efficiency for 128-wide slices:
        // on the H20's 148 TFLOPS a 32-user decode came out compute-bound, −73.9 and −76.7 % (582 and 631 tokens/s against
        // 2,233 and 2,705). SGLang's MoE kernels pay under one row (hopper-sglang/fp8's fit, carried to its BF16 row):
        // +14.6 and +6.1 %; with the recurrent terms fitted on Nemotron 3 Nano, +6.7 and +1.9 %; with the state in FP32,
        // +1.5 and −1.1 %.
        Assert.InRange(Run("sgl-qwen3next-h20-tp4-1000-2000-c32").ThroughputError, -0.05, 0.05);
        Assert.InRange(Run("sgl-qwen3next-h20-tp8-1000-2000-c32").ThroughputError, -0.05, 0.05);
    }
}
