using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Performance;

/// <summary>A TensorRT-LLM release older than the one its shipped calibration was fitted on is said, never timed silently.</summary>
public class TensorRtLlmReleaseTests
{
    [Theory]
    [InlineData("0.9.0", "hopper-trtllm/fp8", true)]
    [InlineData("v0.12.0", "blackwell-trtllm/int4", true)]
    [InlineData("1.2.0rc1", "hopper-trtllm/fp8", false)]    // the 1.x release the rows were fitted on
    [InlineData("", "hopper-trtllm/fp8", false)]            // no release given: taken as current
    [InlineData("0.9.0", "generic/bf16", false)]            // not a row fitted on 1.x (the generic row warns on its own)
    [InlineData("0.9.0", "hopper-trtllm/bf16", false)]      // fitted on 0.12.0's overview, not on 1.x
    [InlineData("0.9.0", "my-trtllm/fp8", false)]           // a user's own fit
    [InlineData("nightly", "hopper-trtllm/fp8", false)]     // not a version
    public void Only_a_release_before_1_0_on_a_shipped_row_is_warned(string version, string calibration, bool warned)
    {
        string[] parts = calibration.Split('/');
        var row = new ServingCalibration { Id = parts[0], Precision = Enum.Parse<Precision>(parts[1], ignoreCase: true), Factors = new EfficiencyFactors(), Source = "the shipped catalog" };
        string? warning = TensorRtLlmRelease.OlderThanCalibration(version, row);
        Assert.Equal(warned, warning is not null);
        if (warned)
        {
            Assert.Contains(calibration, warning, StringComparison.Ordinal);
            Assert.Contains("clustersim calibrate", warning, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_users_own_fit_of_the_row_is_the_release_in_use()
    {
        var own = new ServingCalibration { Id = "hopper-trtllm", Precision = Precision.FP8, Factors = new EfficiencyFactors(), Source = "clustersim calibrate nim-a nim-b" };
        Assert.Null(TensorRtLlmRelease.OlderThanCalibration("0.9.0", own));
    }

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
        Assert.Equal(before, TensorRtLlmRelease.Before(version, TensorRtLlmRelease.FirstTokenBudget));

    [Theory]
    [InlineData("0.9.0", "@0.x")]
    [InlineData("v0.12.0", "@0.x")]
    [InlineData("1.2.0rc1", "@1.x")]
    [InlineData("", null)]
    [InlineData("nightly", null)]
    public void A_release_names_its_series(string version, string? series) => Assert.Equal(series, TensorRtLlmRelease.Series(version));
}

