using ClusterSim.Core.Performance;
using ClusterSim.Experiments.Files;

namespace ClusterSim.Experiments.Tests.Files;

/// <summary><c>serving.attention</c>: how the tensor-parallel group shares attention, echoed in the resolved experiment.</summary>
public class DeploymentAttentionTests
{
    private static string With(string attention) =>
        ExperimentLoaderTests.Valid.Replace("model: llama-3.1-8b", "model: deepseek-v3").Replace("hardware: H100-SXM", "hardware: H200")
            .Replace("weights: fp8", "weights: fp8\n  tensor_parallel: 8")
            .Replace("kv_cache: fp8", "kv_cache: fp8" + (attention.Length > 0 ? $"\n  attention: {attention}" : string.Empty));

    private static ServingDeployment Deployment(Experiment e) => e.Points[0].Serving!.Replicas[0].Deployment;

    [Fact]
    public void Attention_is_tensor_parallel_unless_told_and_the_resolved_file_says_only_otherwise()
    {
        Experiment plain = ExperimentLoader.Parse(With(string.Empty), "exp.yaml");
        Assert.Equal(AttentionLayout.TensorParallel, Deployment(plain).Attention);
        Assert.DoesNotContain("\n  attention:", plain.ResolvedText);

        Experiment dp = ExperimentLoader.Parse(With("data-parallel-balanced"), "exp.yaml");
        Assert.Equal(AttentionLayout.BalancedDataParallel, Deployment(dp).Attention);
        Assert.Equal(1, Deployment(dp).KvReplication);
        Assert.Contains("  attention: data-parallel-balanced", dp.ResolvedText);
        Assert.Equal(AttentionLayout.BalancedDataParallel, Deployment(ExperimentLoader.Parse(dp.ResolvedText, "resolved.yaml")).Attention);
    }

    [Fact]
    public void A_data_parallel_layout_says_how_it_is_timed_and_where_its_prompts_go()
    {
        Assert.DoesNotContain(ExperimentLoader.Parse(With(string.Empty), "exp.yaml").Warnings, w => w.Contains("data-parallel", StringComparison.Ordinal));

        Experiment uneven = ExperimentLoader.Parse(With("data-parallel"), "exp.yaml");
        Assert.Contains(uneven.Warnings, w => w.Contains("attention is data-parallel over the 8 accelerators", StringComparison.Ordinal)
            && w.Contains("fitted under tensor parallelism", StringComparison.Ordinal) && w.Contains("a prompt is one rank's work, at most 1,024 tokens a step", StringComparison.Ordinal));
        Experiment balanced = ExperimentLoader.Parse(With("data-parallel-balanced"), "exp.yaml");
        Assert.Contains(balanced.Warnings, w => w.Contains("spread evenly over the ranks", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_layout_or_one_rank_is_an_error_with_its_position()
    {
        var unknown = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(With("dp"), "exp.yaml"));
        Assert.Contains("tensor-parallel, data-parallel, data-parallel-balanced", unknown.Message);
        Assert.Contains("exp.yaml:", unknown.Message);

        var alone = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(With("data-parallel").Replace("tensor_parallel: 8", "tensor_parallel: 1"), "exp.yaml"));
        Assert.Contains("tensor_parallel of at least 2", alone.Message);
    }
}
