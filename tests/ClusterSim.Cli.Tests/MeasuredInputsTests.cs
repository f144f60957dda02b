namespace ClusterSim.Cli.Tests;

[Collection("console")]
public class MeasuredInputsTests
{
    private static (int Code, string Error) Run(params string[] args)
    {
        TextWriter original = Console.Error;
        using var captured = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        Console.SetError(captured);
        try
        {
            int code = CommandLine.Build().Parse(args).Invoke();
            return (code, captured.ToString());
        }
        finally
        {
            Console.SetError(original);
        }
    }

    [Theory]
    [InlineData("replay")]
    [InlineData("calibrate")]
    public void A_missing_measured_file_is_named_in_one_line(string command)
    {
        string missing = Path.Combine(Path.GetTempPath(), $"clustersim-missing-{Guid.NewGuid():N}.csv");
        string[] args = command == "calibrate" ? [command, missing, "-o", missing + ".out.csv"] : [command, missing];
        (int code, string error) = Run(args);
        Assert.Equal(2, code);
        Assert.Equal($"error: {missing}: file not found", error.Trim());
        Assert.False(File.Exists(missing + ".out.csv"));
    }

    [Fact]
    public void A_missing_calibration_file_is_named_too()
    {
        string measured = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "data", "measured", "vllm-measured-calibration.csv"));
        Assert.True(File.Exists(measured), measured);
        string missing = Path.Combine(Path.GetTempPath(), $"clustersim-missing-{Guid.NewGuid():N}.csv");
        (int code, string error) = Run("replay", measured, "--calibration", missing);
        Assert.Equal(2, code);
        Assert.Equal($"error: {missing}: file not found", error.Trim());
    }
}
