namespace ClusterSim.Cli.Tests;

[Collection("console")]
public class RunCommandTests
{
    [Fact]
    public void An_output_path_that_is_a_file_is_refused_before_anything_runs()
    {
        string experiment = CommandRunner.RepositoryFile("experiments", "vidur-llama2-70b.yaml");
        Assert.True(File.Exists(experiment), experiment);
        string file = Path.GetTempFileName();
        try
        {
            (int code, _, string error) = CommandRunner.Run("run", experiment, "--output", file);
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
