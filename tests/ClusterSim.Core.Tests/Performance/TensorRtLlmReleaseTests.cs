using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Performance;

/// <summary>TensorRT-LLM releases: which come before the default token budget, and which series of rows each takes.</summary>
public class TensorRtLlmReleaseTests
{
    [Theory]
    [InlineData("0.9.0", true)]
    [InlineData("v0.10.0", true)]
    [InlineData("0.10", true)]
    [InlineData("0.11.0", false)]
    [InlineData("0.12.0.dev2024", false)]
    [InlineData("1.0.0rc3", false)]
    [InlineData("", false)]
    [InlineData("latest", false)]
    public void A_release_is_before_another_by_major_then_minor(string version, bool before) =>
        Assert.Equal(before, EngineRelease.Before(version, TensorRtLlmRelease.FirstTokenBudget));

    [Theory]
    [InlineData("0.9.0", "@0.x")]
    [InlineData("v0.12.0", "@0.x")]
    [InlineData("1.2.0rc1", "@1.x")]
    [InlineData("", null)]
    [InlineData("nightly", null)]
    public void A_release_names_its_series(string version, string? series) => Assert.Equal(series, TensorRtLlmRelease.Series(version));
}

