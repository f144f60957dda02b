using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Performance;

/// <summary>vLLM releases as rows and files write them, read once for both the memory profile and the sampling defaults.</summary>
public class EngineReleaseTests
{
    [Theory]
    [InlineData("0.11.0", 0, 11)]
    [InlineData("v0.19", 0, 19)]
    [InlineData(" 0.23.1rc1 ", 0, 23)]
    [InlineData("1.2", 1, 2)]
    public void A_release_number_gives_its_major_and_minor(string text, int major, int minor)
    {
        Assert.True(EngineRelease.TryParse(text, out EngineRelease release));
        Assert.Equal(new EngineRelease(major, minor), release);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("latest")]
    [InlineData("0")]
    public void Anything_else_is_not_a_release(string? text) => Assert.False(EngineRelease.TryParse(text, out _));

    [Fact]
    public void At_least_compares_major_then_minor()
    {
        Assert.True(new EngineRelease(0, 15).AtLeast(0, 8));
        Assert.False(new EngineRelease(0, 7).AtLeast(0, 8));
        Assert.True(new EngineRelease(1, 0).AtLeast(0, 15));
    }
}
