using ClusterSim.Core.Catalog;
using ClusterSim.Experiments.Files;
using ClusterSim.Tests;

namespace ClusterSim.Experiments.Tests.Files;

public sealed class ModelFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("clustersim-models-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>A checkpoint laid out as the Hugging Face cache keeps it, its config.json naming no checkpoint.</summary>
    private string CachedCheckpoint()
    {
        string snapshot = Path.Combine(_directory, "hub", "models--acme--Coder-9B", "snapshots", "0123abcd");
        Directory.CreateDirectory(snapshot);
        File.WriteAllText(Path.Combine(snapshot, "config.json"), """
            { "architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "hidden_size": 4096, "intermediate_size": 12288,
              "num_attention_heads": 32, "num_key_value_heads": 8, "num_hidden_layers": 40, "vocab_size": 151936,
              "max_position_embeddings": 32768, "use_sliding_window": false, "sliding_window": 131072 }
            """);
        return snapshot;
    }

    [Fact]
    public void An_experiment_serves_a_model_from_a_checkpoint_directory_named_as_its_repository()
    {
        string snapshot = CachedCheckpoint();
        string yaml = $"""
            name: coder
            catalog: {"{"} models: "{snapshot.Replace("\\", "/", StringComparison.Ordinal)}" {"}"}
            serving: {"{"} model: acme/Coder-9B, hardware: H100, weights: fp8 {"}"}
            workload: {"{"} arrival: {"{"} kind: poisson, rate: 2 {"}"}, requests: 200, prompt_tokens: 512, output_tokens: 128 {"}"}
            """;
        string file = Path.Combine(_directory, "coder.yaml");
        File.WriteAllText(file, yaml);
        Experiment experiment = ExperimentLoader.Load(file);

        ModelSpec model = experiment.Points[0].Serving!.Replicas[0].Deployment.Model;
        Assert.Equal(("coder-9b", 40, 8, 12288), (model.Id, model.Layers, model.KvHeads, model.Ffn));
        // The config did not say whether the head is tied: the run says what was assumed.
        Assert.Contains(experiment.Warnings, w => w.Contains("catalog.models: coder-9b: tie_word_embeddings not given: untied", StringComparison.Ordinal));
    }

    [Fact]
    public void A_config_json_that_cannot_be_read_is_a_located_problem_of_the_catalog_section()
    {
        File.WriteAllText(Path.Combine(_directory, "broken.json"), "{ \"model_type\": \"llama\", \"num_hidden_layers\": 2,\n  \"hidden_size\": \"big\" }");
        string file = Path.Combine(_directory, "x.yaml");
        File.WriteAllText(file, "name: x\ncatalog: { models: broken.json }\nserving: { model: broken, hardware: H100 }\n");
        var e = Assert.Throws<ExperimentException>(() => ExperimentLoader.Load(file));
        ExperimentProblem problem = Assert.Single(e.Problems);
        Assert.Equal("catalog.models", problem.Path);
        Assert.Contains("broken.json:2: field 'hidden_size': is \"big\"", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_repository_id_is_found_in_the_Hugging_Face_cache_at_the_snapshot_main_names()
    {
        string hub = Path.Combine(_directory, "hub");
        string repository = Path.Combine(hub, "models--acme--Coder-9B");
        foreach (string hash in new[] { "old0", "main1" })
        {
            Directory.CreateDirectory(Path.Combine(repository, "snapshots", hash));
            File.WriteAllText(Path.Combine(repository, "snapshots", hash, "config.json"), "{}");
        }

        Directory.CreateDirectory(Path.Combine(repository, "refs"));
        File.WriteAllText(Path.Combine(repository, "refs", "main"), "main1\n");
        string[] roots = [Path.Combine(_directory, "elsewhere"), hub];
        Assert.Equal(Path.Combine(repository, "snapshots", "main1", "config.json"), ModelFile.Locate("acme/Coder-9B", roots));

        var e = Assert.Throws<IOException>(() => ModelFile.Locate("acme/Other-7B", roots));
        Assert.Contains("no snapshot of the repository 'acme/Other-7B' in the Hugging Face cache", e.Message, StringComparison.Ordinal);
        Assert.Contains("nothing is downloaded", e.Message, StringComparison.Ordinal);

        // A path that exists is read as a path, whatever it looks like.
        Assert.Equal(hub, ModelFile.Locate(hub, roots));
    }

    [Theory]
    [InlineData("hub/models--meta-llama--Llama-3.1-8B/snapshots/abc/config.json", "llama-3.1-8b", "meta-llama/Llama-3.1-8B")]
    [InlineData("checkpoints/my-tuned-8b/config.json", "my-tuned-8b", null)]
    [InlineData("configs/Mistral-Small.json", "mistral-small", null)]
    public void A_config_is_named_by_where_it_sits(string relative, string id, string? alias)
    {
        Assert.Equal((id, alias), ModelFile.NameFromPath(Path.Combine(_directory, relative)));
    }

    [Fact]
    public void A_models_csv_still_reads_as_before()
    {
        string csv = Path.Combine(_directory, "m.csv");
        string json = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "data", "hf-configs", "opt-125m.json"));
        ImportedModel model = HuggingFaceModel.Import(json, "opt-125m.json", id: "opt-copy");
        File.WriteAllLines(csv, [model.Header, model.Row]);
        var notes = new List<string>();
        CsvTable table = ModelFile.Read(csv, "m.csv", notes);
        Assert.Equal("opt-copy", SimCatalog.Default.Models.With(table).Get("opt-copy").Id);
        Assert.Empty(notes);
    }
}
