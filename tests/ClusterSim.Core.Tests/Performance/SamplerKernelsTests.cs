using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Performance;

/// <summary>
/// Which sampler kernel an engine release filters with by default (vLLM ranked the vocabulary from 0.11.1 until
/// vllm-project/vllm#40376 turned FlashInfer's sort-free kernel back on; SGLang samples with FlashInfer), and the cost the
/// sort-free kernel takes as a share of the ranking path's, from that pull request's B200 table.
/// </summary>
public class SamplerKernelsTests
{
    [Theory]
    [InlineData(ServingEngine.Vllm, "0.11.0", SamplerKernel.Ranking)]
    [InlineData(ServingEngine.Vllm, "0.15.1", SamplerKernel.Ranking)]
    [InlineData(ServingEngine.Vllm, "0.21.3", SamplerKernel.Ranking)]
    [InlineData(ServingEngine.Vllm, "0.22.0", SamplerKernel.SortFree)]
    [InlineData(ServingEngine.Vllm, "v0.32.0rc1", SamplerKernel.SortFree)]
    [InlineData(ServingEngine.Vllm, "1.0", SamplerKernel.SortFree)]
    [InlineData(ServingEngine.Sglang, "", SamplerKernel.SortFree)]
    [InlineData(ServingEngine.Sglang, "0.5.2", SamplerKernel.SortFree)]
    [InlineData(ServingEngine.TensorRtLlm, "1.0", SamplerKernel.Ranking)]
    public void The_release_picks_the_kernel(ServingEngine engine, string version, SamplerKernel expected)
    {
        Assert.Equal(expected, SamplerKernels.DefaultFor(engine, version, out bool guessed));
        Assert.False(guessed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("nightly")]
    public void A_vllm_release_not_given_ranks_and_is_flagged_as_a_guess(string version)
    {
        Assert.Equal(SamplerKernel.Ranking, SamplerKernels.DefaultFor(ServingEngine.Vllm, version, out bool guessed));
        Assert.True(guessed);
    }

    [Fact]
    public void The_sort_free_share_is_the_published_top_p_ratio()
    {
        // vllm-project/vllm#40376, B200, 128 rows of 131,072 logits, top-p: FlashInfer 0.528 ms, Triton 2.318 ms.
        Assert.Equal(0.528 / 2.318, SamplerKernels.SortFreeShare, 3);
        Assert.Equal(1.0, SamplerKernels.ShareOfRanking(SamplerKernel.Ranking));
        Assert.Equal(SamplerKernels.SortFreeShare, SamplerKernels.ShareOfRanking(SamplerKernel.SortFree));
    }
}
