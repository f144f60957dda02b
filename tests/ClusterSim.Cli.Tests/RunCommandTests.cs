namespace ClusterSim.Cli.Tests;

[Collection("console")]
public class RunCommandTests
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

    [Fact]
    public void An_output_path_that_is_a_file_is_refused_before_anything_runs()
    {
        string experiment = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "experiments", "vidur-llama2-70b.yaml"));
        Assert.True(File.Exists(experiment), experiment);
        string file = Path.GetTempFileName();
        try
        {
            (int code, string error) = Run("run", experiment, "--output", file);
            Assert.Equal(2, code);
            Assert.Equal($"error: --output {file} is a file; expected a directory (new, or one to resume into)", error.Trim());
            Assert.Equal(0, new FileInfo(file).Length);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
