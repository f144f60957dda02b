using ClusterSim.Core.Performance;
using ClusterSim.Experiments.Files;

namespace ClusterSim.Experiments.Tests.Files;

/// <summary>
/// <c>serving.engine_version</c> of a TensorRT-LLM before 0.12 times decode attention one thread block a head
/// (<see cref="DecodeAttentionBlocks"/>), and says so when the chip's SMs are not in the catalog.
/// </summary>
public class DeploymentAttentionBlocksTests
{
    private static string Trt(string version, string hardware = "H100-SXM") =>
        ExperimentLoaderTests.Valid.Replace("hardware: H100-SXM", $"hardware: {hardware}")
            .Replace("kv_cache: fp8", $"kv_cache: fp8\n  engine: tensorrt-llm\n  engine_version: \"{version}\"");

    private static ServingDeployment Deployment(Experiment e) => e.Points[0].Serving!.Replicas[0].Deployment;

    [Fact]
    public void A_release_before_0_12_walks_a_batch_of_one_slower_at_a_long_context()
    {
        var old = new StepTimeModel(Deployment(ExperimentLoader.Parse(Trt("0.9.0"), "exp.yaml")));
        var split = new StepTimeModel(Deployment(ExperimentLoader.Parse(Trt("0.12.0"), "exp.yaml")));

        Assert.True(old.Terms(BatchShape.Decode(1, 8000)).Attention > 3 * split.Terms(BatchShape.Decode(1, 8000)).Attention);
    }

    [Fact]
    public void A_chip_without_SM_figures_is_timed_at_the_memory_rate_and_the_run_says_so()
    {
        Experiment b200 = ExperimentLoader.Parse(Trt("0.9.0", "B200"), "exp.yaml");
        Experiment h100 = ExperimentLoader.Parse(Trt("0.9.0"), "exp.yaml");
        Experiment newer = ExperimentLoader.Parse(Trt("0.12.0", "B200"), "exp.yaml");

        Assert.Contains(b200.Warnings, w => w.Contains("B200: TensorRT-LLM 0.9.0 walks each sequence's context in one thread block a head", StringComparison.Ordinal)
            && w.Contains("give them in a hardware CSV", StringComparison.Ordinal));
        Assert.DoesNotContain(h100.Warnings, w => w.Contains("thread block", StringComparison.Ordinal));
        Assert.DoesNotContain(newer.Warnings, w => w.Contains("thread block", StringComparison.Ordinal));
    }
}
