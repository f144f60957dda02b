using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Results;
using ClusterSim.Experiments.Running;
using ClusterSim.Experiments.Tests.Results;

namespace ClusterSim.Experiments.Tests.Files;

/// <summary>
/// An experiment that reads files of its own (a catalog, a trace) names them in its resolved copy so that the copy,
/// saved with the results, loads from there; and a run elsewhere of the same experiment is still the same experiment.
/// </summary>
public class ResolvedInputFilesTests
{
    private static readonly string Root = ClusterSim.Tests.RepositoryRoot.Path;

    /// <summary>A Qwen3 MoE model read from its config.json and a trace in the Azure layout, both beside the experiment.</summary>
    private static string Write(string folder)
    {
        Directory.CreateDirectory(Path.Combine(folder, "traces"));
        File.Copy(Path.Combine(Root, "data", "hf-configs", "Qwen3-30B-A3B.json"), Path.Combine(folder, "qwen's model.json"));
        File.Copy(Path.Combine(Root, "experiments", "traces", "sample-azure.csv"), Path.Combine(folder, "traces", "azure.csv"));
        string file = Path.Combine(folder, "exp.yaml");
        File.WriteAllText(file, """
            name: own-files
            seed: 3
            replications: 1
            catalog: { models: "qwen's model.json" }
            serving:
              model: qwen's-model
              hardware: H100-SXM
              weights: fp8
            workload:
              arrival: { kind: trace }
              trace: { file: traces/azure.csv }
            """);
        return file;
    }

    [Fact]
    public void The_resolved_copy_loads_from_the_results_folder_and_resolves_to_itself()
    {
        using var folder = new ResultsFolder();
        Experiment experiment = ExperimentLoader.Load(Write(folder["project"]));
        ExperimentRunner.Run(experiment, new RunOptions { Workers = 1, Directory = folder["results"] });

        string saved = ResultWriter.ResolvedPath(folder["results"]);
        Assert.Contains($"catalog: {{ models: {YamlText.Quoted(Path.Combine(folder["project"], "qwen's model.json"))} }}", File.ReadAllText(saved));
        Experiment again = ExperimentLoader.Load(saved);
        Assert.Equal(experiment.ResolvedText, again.ResolvedText);
        Assert.Equal(300, again.Points[0].Serving!.Trace!.Count);
        Assert.Equal("qwen's model", again.Points[0].Serving!.Replicas[0].Deployment.Model.Id);
    }

    [Fact]
    public void A_project_moved_elsewhere_resumes_its_results_and_another_file_name_does_not()
    {
        using var folder = new ResultsFolder();
        Experiment first = ExperimentLoader.Load(Write(folder["here"]));
        ExperimentRunner.Run(first, new RunOptions { Workers = 1, Directory = folder["results"] });

        Experiment moved = ExperimentLoader.Load(Write(folder["there"]));
        Assert.NotEqual(first.ResolvedText, moved.ResolvedText);
        RunDirectory.CheckHolds(folder["results"], moved);

        File.Move(Path.Combine(folder["there"], "traces", "azure.csv"), Path.Combine(folder["there"], "traces", "other.csv"));
        File.WriteAllText(Path.Combine(folder["there"], "exp.yaml"), File.ReadAllText(Path.Combine(folder["there"], "exp.yaml")).Replace("azure.csv", "other.csv", StringComparison.Ordinal));
        Experiment renamed = ExperimentLoader.Load(Path.Combine(folder["there"], "exp.yaml"));
        var error = Assert.Throws<InvalidDataException>(() => RunDirectory.CheckHolds(folder["results"], renamed));
        Assert.Contains("holds results of another experiment", error.Message);
    }

    [Theory]
    [InlineData("/data/traces/a.csv", "a.csv")]
    [InlineData("/data/it's here/a.csv", "a.csv")]
    public void Full_paths_compare_by_file_name_and_other_quoted_text_is_kept(string path, string name)
    {
        string text = $"catalog: {{ models: {YamlText.Quoted(path)} }}\n  label: 'x/y'\n";
        Assert.Equal($"catalog: {{ models: {YamlText.Quoted(name)} }}\n  label: 'x/y'\n", YamlText.WithoutFolders(text));
        Assert.Equal("'it''s'", YamlText.Quoted("it's"));
    }
}
