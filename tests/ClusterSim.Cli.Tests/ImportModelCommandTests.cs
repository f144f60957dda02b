namespace ClusterSim.Cli.Tests;

[Collection("console")]
public sealed class ImportModelCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("clustersim-import-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string Config(string file) => CommandRunner.RepositoryFile("data", "hf-configs", file);

    [Fact]
    public void A_config_prints_a_catalog_row_and_says_what_the_model_comes_to()
    {
        var (code, output, error) = CommandRunner.Run("catalog", "import-model", Config("DeepSeek-V3.json"), "--id", "dsv3");
        Assert.Equal(0, code);
        string[] lines = output.TrimEnd().Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("id,name,layers,hidden,heads,kv_heads,", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("dsv3,dsv3,61,7168,128,128,128,18432,129280,true,false,0,256,8,1,2048,3,1536,512,64,128,163840,0,0,,,,fp8,", lines[1], StringComparison.Ordinal);
        Assert.Contains("671.03 B parameters (37.55 B active a token)", error, StringComparison.Ordinal);
        Assert.Contains("note: quantization_config 'fp8'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Output_adds_a_row_then_replaces_the_row_of_the_same_id()
    {
        string csv = Path.Combine(_directory, "models.csv");
        Assert.Equal(0, CommandRunner.Run("catalog", "import-model", Config("opt-125m.json"), "-o", csv).Code);
        Assert.Equal(0, CommandRunner.Run("catalog", "import-model", Config("gpt-oss-20b.json"), "-o", csv).Code);
        var (code, _, error) = CommandRunner.Run("catalog", "import-model", Config("gpt-oss-20b.json"), "-o", csv, "--name", "gpt-oss 20B, again");
        Assert.Equal(0, code);
        Assert.Contains("replaced gpt-oss-20b in", error, StringComparison.Ordinal);
        string[] lines = File.ReadAllLines(csv);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("gpt-oss-20b,\"gpt-oss 20B, again\",24,", lines[2], StringComparison.Ordinal);

        // The file serves the commands that take a model by name.
        var (stepCode, stepOutput, _) = CommandRunner.Run("step", "opt-125m", "H100", "--models", csv, "--decode", "1", "--format", "csv");
        Assert.Equal(0, stepCode);
        Assert.Contains("memory", stepOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void A_row_whose_quoted_source_runs_over_lines_is_replaced_whole()
    {
        string csv = Path.Combine(_directory, "models.csv");
        Assert.Equal(0, CommandRunner.Run("catalog", "import-model", Config("opt-125m.json"), "-o", csv).Code);
        string[] written = File.ReadAllLines(csv);
        File.WriteAllLines(csv, [written[0], written[1][..written[1].LastIndexOf(',')] + ",\"a source\nover two lines\"", "mine,Mine,2,64,4,4,16,128,10,true,false,0,0,0,0,0,0,0,0,0,0,4096,0,0,,,,,hand"]);

        Assert.Equal(0, CommandRunner.Run("catalog", "import-model", Config("opt-125m.json"), "-o", csv).Code);
        string[] lines = File.ReadAllLines(csv);
        Assert.Equal(3, lines.Length);   // the two-line row became one, the row after it kept
        Assert.StartsWith("opt-125m,opt-125m,12,", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("mine,Mine,", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_written_before_the_linear_layers_columns_gains_them_and_keeps_its_rows()
    {
        string csv = Path.Combine(_directory, "models.csv");
        Assert.Equal(0, CommandRunner.Run("catalog", "import-model", Config("opt-125m.json"), "-o", csv).Code);
        // As the importer wrote it before the columns existed: the header and the row end at the source.
        string[] written = File.ReadAllLines(csv);
        int cut = written[0].IndexOf(",linear_layers", StringComparison.Ordinal);
        string oldRow = written[1][..written[1].LastIndexOf(",0,,,,,,,false", StringComparison.Ordinal)];
        File.WriteAllLines(csv, [written[0][..cut], oldRow]);

        var (code, _, error) = CommandRunner.Run("catalog", "import-model", Config("Qwen3.5-397B-A17B.json"), "-o", csv, "--id", "qwen35");
        Assert.Equal(0, code);
        Assert.Contains("45 recurrent layers (64 state heads of 128 x 128; 183.2 MiB of state a sequence)", error, StringComparison.Ordinal);
        string[] lines = File.ReadAllLines(csv);
        Assert.EndsWith(",linear_layers,linear_key_heads,linear_key_dim,linear_value_heads,linear_value_dim,linear_conv_kernel,linear_state_bytes,attention_output_gate,mlp_layers,sparse_top_k,indexer_heads,indexer_head_dim,indexer_layers", lines[0], StringComparison.Ordinal);
        Assert.Equal(oldRow, lines[1]);
        Assert.EndsWith(",45,16,128,64,128,4,4,true,,,,,", lines[2], StringComparison.Ordinal);   // one MLP a layer, no sparse attention: the rest empty

        var (stepCode, stepOutput, stepError) = CommandRunner.Run("step", "qwen35", "H200", "--tp", "8", "--weights", "fp8", "--models", csv, "--decode", "1,64", "--format", "csv");
        Assert.True(stepCode == 0, stepError);
        Assert.Contains("qwen35", stepOutput + stepError, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_a_models_catalog_is_not_written_to()
    {
        string other = Path.Combine(_directory, "hardware.csv");
        File.WriteAllText(other, "id,vendor\nX,acme\n");
        var (code, _, error) = CommandRunner.Run("catalog", "import-model", Config("opt-125m.json"), "-o", other);
        Assert.Equal(2, code);
        Assert.Contains("its header is not a models catalog's", error, StringComparison.Ordinal);
        Assert.Equal("id,vendor\nX,acme\n", File.ReadAllText(other));
    }

    [Fact]
    public void A_model_outside_the_catalog_is_timed_from_its_checkpoint_directory()
    {
        string checkpoint = Path.Combine(_directory, "my-coder");
        Directory.CreateDirectory(checkpoint);
        File.WriteAllText(Path.Combine(checkpoint, "config.json"), """
            { "model_type": "qwen2", "hidden_size": 4096, "intermediate_size": 12288, "num_attention_heads": 32, "num_key_value_heads": 8,
              "num_hidden_layers": 40, "vocab_size": 151936, "max_position_embeddings": 32768 }
            """);
        Assert.Equal(2, CommandRunner.Run("step", "my-coder", "H100").Code);
        var (code, output, error) = CommandRunner.Run("step", "my-coder", "H100", "--models", checkpoint, "--decode", "1,64", "--format", "csv");
        Assert.Equal(0, code);
        Assert.Contains("my-coder on 1 x H100-SXM", error, StringComparison.Ordinal);
        Assert.Contains("note: my-coder: tie_word_embeddings not given: untied", error, StringComparison.Ordinal);
        Assert.Equal(3, output.TrimEnd().Split('\n').Length);
    }

    [Fact]
    public void A_missing_config_is_an_error_that_names_it()
    {
        var (code, _, error) = CommandRunner.Run("catalog", "import-model", Path.Combine(_directory, "none.json"));
        Assert.Equal(2, code);
        Assert.Contains("none.json: file not found", error, StringComparison.Ordinal);
    }
}
