using ClusterSim.Core.Catalog;
using ClusterSim.Experiments.Replay;
using ClusterSim.Tests;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>
/// TensorRT-LLM 0.9.0's static-batch runs from NVIDIA's sizing material (data/published/trtllm-0.9-static-runs.csv): dense
/// Llama 2 and Mistral models on H100, H100 NVL, H200, A100, L40S and L40, FP8 and FP16, batches of 1 to 1,536. Held out.
/// The Mixtral runs used fake weights, whose router sends every token to the same experts (the step barely grows from 1
/// to 16 sequences), so they are kept in the file and left out of these bounds.
/// </summary>
public class TrtllmStaticReplayTests
{
    private static readonly ReplayReport Report = ReplayReport.Run(
        MeasuredRunFile.Read(Path.Combine(RepositoryRoot.Path, "data", "published", "trtllm-0.9-static-runs.csv")), SimCatalog.Default);

    private static IEnumerable<ReplayOutcome> Dense(string chip) =>
        Report.Outcomes.Where(o => !o.Row.Experiment.Contains("mixtral", StringComparison.Ordinal) && o.Case.Deployment.Accelerator.Id == chip);

    [Fact]
    public void Every_run_replays_but_the_H100_NVL_ones_beyond_a_bridged_pair()
    {
        Assert.Equal(1843, Report.Outcomes.Count + Report.Skipped.Count);
        Assert.All(Report.Skipped, s => Assert.Contains("H100-NVL's scale-up domain of 2", s.Reason, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("L40S", 0.08)]        // measured 4.9 % on 2 December 2026
    [InlineData("L40", 0.11)]         // 7.5 %
    [InlineData("A100-80GB", 0.13)]   // 10.4 % (ampere-trtllm/bf16; 11.4 % on the generic row)
    [InlineData("H100-SXM", 0.13)]    // 6.1 % in FP16 (hopper-trtllm/bf16) and 14.9 % in FP8: 9.8 % together
    public void Dense_models_decode_and_prefill_within_their_bound(string chip, double bound)
    {
        double e2e = ReplayReport.MedianAbsolute(Dense(chip), o => o.E2eError);
        Assert.True(e2e < bound, $"{chip}: median E2E error {e2e:P1}");
    }

    [Fact]
    public void The_2025_FP8_factors_run_the_2024_release_fast()
    {
        // hopper-trtllm/fp8 was fitted on TensorRT-LLM 1.x's overview; 0.9.0 decodes slower on every Hopper part.
        foreach (string chip in new[] { "H100-SXM", "H200", "H100-NVL" })
        {
            double signed = Dense(chip).Where(o => o.Case.Deployment.Weights == Precision.FP8).Select(o => o.ItlError).Order().ElementAt(Dense(chip).Count(o => o.Case.Deployment.Weights == Precision.FP8) / 2);
            Assert.True(signed < -0.05, $"{chip}: median ITL error {signed:P1}");
        }

        // And the replay says so: the rows name TensorRT-LLM 0.9.0.
        Assert.Contains(Report.Outcomes, o => o.Case.CalibrationWarning?.Contains("TensorRT-LLM 0.9.0 predates the 1.x release hopper-trtllm/fp8", StringComparison.Ordinal) == true);
    }
}
