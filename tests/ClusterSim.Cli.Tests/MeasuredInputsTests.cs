namespace ClusterSim.Cli.Tests;

[Collection("console")]
public class MeasuredInputsTests
{
    [Theory]
    [InlineData("replay")]
    [InlineData("calibrate")]
    public void A_missing_measured_file_is_named_in_one_line(string command)
    {
        string missing = Path.Combine(Path.GetTempPath(), $"clustersim-missing-{Guid.NewGuid():N}.csv");
        string[] args = command == "calibrate" ? [command, missing, "-o", missing + ".out.csv"] : [command, missing];
        (int code, _, string error) = CommandRunner.Run(args);
        Assert.Equal(2, code);
        Assert.Equal($"error: {missing}: file not found", error.Trim());
        Assert.False(File.Exists(missing + ".out.csv"));
    }

    [Fact]
    public void A_missing_calibration_file_is_named_too()
    {
        string measured = CommandRunner.RepositoryFile("data", "measured", "vllm-measured-calibration.csv");
        Assert.True(File.Exists(measured), measured);
        string missing = Path.Combine(Path.GetTempPath(), $"clustersim-missing-{Guid.NewGuid():N}.csv");
        (int code, _, string error) = CommandRunner.Run("replay", measured, "--calibration", missing);
        Assert.Equal(2, code);
        Assert.Equal($"error: {missing}: file not found", error.Trim());
    }
}
