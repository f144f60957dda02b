using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Performance;

/// <summary>An engine release older than the one a shipped calibration row was fitted on is said, never timed silently.</summary>
public class CalibrationReleaseTests
{
    private static ServingCalibration Row(string name, string fittedRelease, string source = "the shipped catalog")
    {
        string[] parts = name.Split('/');
        return new ServingCalibration
        {
            Id = parts[0],
            Precision = Enum.Parse<Precision>(parts[1], ignoreCase: true),
            Factors = new EfficiencyFactors(),
            FittedRelease = fittedRelease,
            Source = source,
        };
    }

    [Theory]
    [InlineData(ServingEngine.TensorRtLlm, "0.9.0", "1.0", true)]
    [InlineData(ServingEngine.TensorRtLlm, "v0.12.0", "1.0", true)]
    [InlineData(ServingEngine.TensorRtLlm, "1.2.0rc1", "1.0", false)]   // a 1.x release, as the row's
    [InlineData(ServingEngine.Sglang, "0.5.9", "0.5.12", true)]         // an older patch of the same minor release
    [InlineData(ServingEngine.Sglang, "0.5.12", "0.5.12", false)]
    [InlineData(ServingEngine.Sglang, "v0.6.0", "0.5.12", false)]
    [InlineData(ServingEngine.Sglang, "", "0.5.12", false)]             // no release given: taken as current
    [InlineData(ServingEngine.Sglang, "nightly", "0.5.12", false)]      // not a version
    [InlineData(ServingEngine.Vllm, "0.6.0", "", false)]                // the row names no release
    public void Only_a_release_before_the_rows_is_warned(ServingEngine engine, string version, string fittedRelease, bool warned)
    {
        string? warning = CalibrationRelease.OlderThanFit(engine, version, Row("cdna3-sglang/fp8", fittedRelease));
        Assert.Equal(warned, warning is not null);
        if (warned)
        {
            Assert.Contains($"{version.Trim()} predates {fittedRelease}, the release cdna3-sglang/fp8 was fitted on", warning, StringComparison.Ordinal);
            Assert.Contains("clustersim calibrate", warning, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_users_own_fit_of_the_row_is_the_release_in_use()
    {
        ServingCalibration own = Row("hopper-trtllm/fp8", "1.0", source: "clustersim calibrate nim-a nim-b");
        Assert.Null(CalibrationRelease.OlderThanFit(ServingEngine.TensorRtLlm, "0.9.0", own));
    }

    [Theory]
    [InlineData("hopper-trtllm", Precision.FP8, "1.0")]
    [InlineData("blackwell-trtllm", Precision.INT4, "1.0")]
    [InlineData("cdna3-sglang", Precision.FP8, "0.5.12")]
    [InlineData("hopper-trtllm", Precision.BF16, "")]   // fitted on 0.12.0's overview and 0.9.0's runs: no one release
    [InlineData("hopper-vllm", Precision.BF16, "")]
    public void The_shipped_rows_name_the_release_they_were_fitted_on(string id, Precision precision, string release)
    {
        Assert.True(SimCatalog.Default.Calibrations.TryGet(id, precision, out ServingCalibration row));
        Assert.Equal(release, row.FittedRelease);
    }
}
