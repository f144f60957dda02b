namespace ClusterSim.Cli.Tests;

[Collection("console")]
public class ValidateCommandTests
{
    [Fact]
    public void A_valid_file_passes_and_its_warnings_go_to_standard_error()
    {
        string file = Path.Combine(Path.GetTempPath(), $"validate-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, """
            name: warned
            serving: { model: google/gemma-3-4b-it, hardware: L40S, weights: fp8, kv_cache: fp8 }
            workload: { arrival: { rate: 2 }, requests: 50 }
            """);
        try
        {
            (int code, string output, string error) = CommandRunner.Run("validate", file);
            Assert.Equal(0, code);
            Assert.Equal($"{file}: valid (1 point(s) x 1 replication(s))", output.Trim());
            string[] warnings = error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.Contains(warnings, w => w.StartsWith("warn: L40S: uncalibrated", StringComparison.Ordinal));
            Assert.Contains(warnings, w => w.StartsWith("warn: gemma-3-4b: 29 of its 34 layers", StringComparison.Ordinal));

            File.WriteAllText(file, "name: quiet\nserving: { model: llama-3.1-8b, hardware: H100-SXM }\nworkload: { arrival: { rate: 2 }, requests: 50 }\n");
            (code, _, error) = CommandRunner.Run("validate", file);
            Assert.Equal(0, code);
            Assert.Equal(string.Empty, error);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
