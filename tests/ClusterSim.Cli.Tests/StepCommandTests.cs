namespace ClusterSim.Cli.Tests;

[Collection("console")]
public class StepCommandTests
{
    [Fact]
    public void Prints_one_row_per_shape_with_the_calibration_on_standard_error()
    {
        (int code, string output, string error) = CommandRunner.Run("step", "llama-3.1-8b", "H100", "--prompt", "0,512", "--decode", "1,64", "--format", "csv");

        Assert.Equal(0, code);
        string[] lines = output.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        Assert.Equal("prompt tokens,decoders,context,dense GEMM,expert GEMM,attention,collectives,overhead,total ms,bound,tokens/s", lines[0]);
        Assert.Equal(5, lines.Length);
        Assert.StartsWith("0,1,1024,", lines[1], StringComparison.Ordinal);
        Assert.EndsWith(",memory," + lines[1].Split(',')[^1], lines[1], StringComparison.Ordinal);
        Assert.StartsWith("512,64,1024,", lines[4], StringComparison.Ordinal);
        Assert.Contains("calibration hopper-vllm/bf16", error, StringComparison.Ordinal);
        Assert.DoesNotContain("warning", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_option_exits_2_with_one_line_and_no_table()
    {
        (int code, string output, string error) = CommandRunner.Run("step", "llama-3.1-8b", "H100", "--weights", "fp12");

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, output);
        Assert.Equal("error: --weights: expected one of bf16, fp8, int8, int4, fp4, got 'fp12'", error.Trim());
    }
}
