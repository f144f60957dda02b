using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Performance;

/// <summary>Engine releases as rows and files write them, read once for the memory profile, the sampling defaults and the calibration rows' releases.</summary>
public class EngineReleaseTests
{
    [Theory]
    [InlineData("0.11.0", 0, 11, 0)]
    [InlineData("v0.19", 0, 19, 0)]
    [InlineData(" 0.23.1rc1 ", 0, 23, 1)]
    [InlineData("1.2", 1, 2, 0)]
    [InlineData("0.5.12", 0, 5, 12)]
    [InlineData("0.12.0.dev2024", 0, 12, 0)]
    [InlineData("0.12.x", 0, 12, 0)]
    public void A_release_number_gives_its_major_minor_and_patch(string text, int major, int minor, int patch)
    {
        Assert.True(EngineRelease.TryParse(text, out EngineRelease release));
        Assert.Equal(new EngineRelease(major, minor, patch), release);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("latest")]
    [InlineData("0")]
    public void Anything_else_is_not_a_release(string? text) => Assert.False(EngineRelease.TryParse(text, out _));

    [Fact]
    public void At_least_compares_major_then_minor_then_patch()
    {
        Assert.True(new EngineRelease(0, 15).AtLeast(0, 8));
        Assert.False(new EngineRelease(0, 7).AtLeast(0, 8));
        Assert.True(new EngineRelease(1, 0).AtLeast(0, 15));
        Assert.False(new EngineRelease(0, 5, 9).AtLeast(new EngineRelease(0, 5, 12)));
        Assert.True(new EngineRelease(0, 5, 12).AtLeast(new EngineRelease(0, 5, 12)));
        Assert.True(new EngineRelease(0, 6).AtLeast(new EngineRelease(0, 5, 12)));
        Assert.True(new EngineRelease(0, 11, 2).AtLeast(0, 11));   // a patch of the release compared against counts as it
    }

    [Theory]
    [InlineData("0.5.12", "0.5.12")]
    [InlineData("1.0.0", "1.0")]
    [InlineData("v0.19", "0.19")]
    public void A_release_is_written_as_release_notes_name_it(string text, string written)
    {
        Assert.True(EngineRelease.TryParse(text, out EngineRelease release));
        Assert.Equal(written, release.ToString());
    }
}
