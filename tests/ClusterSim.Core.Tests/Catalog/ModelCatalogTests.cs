using ClusterSim.Core.Catalog;

namespace ClusterSim.Core.Tests.Catalog;

public class ModelCatalogTests
{
    /// <summary>Every model in the shipped catalog.</summary>
    public static TheoryData<string> ShippedModels() => new(SimCatalog.Default.Models.Ids);

    [Theory]
    [MemberData(nameof(ShippedModels))]
    public void Parameter_counts_computed_from_the_shape_match_the_published_counts(string id)
    {
        ModelSpec model = SimCatalog.Default.Models.Get(id);
        // Norms and biases are left out of the computed count (2 %), and a published count is rounded to its last digit.
        double totalTolerance = 0.02 + Rounding(model.PublishedTotalParameters);
        Assert.InRange(model.TotalParameters / model.PublishedTotalParameters, 1 - totalTolerance, 1 + totalTolerance);

        // Some makers count active parameters without the input embedding, a lookup rather than a multiply (OpenAI's
        // gpt-oss counts), some without both vocabulary tables (Zhipu's GLM-4.5 family: 32.0B and 12.2B so); one of the
        // three conventions must match.
        double activeTolerance = 0.02 + (CoarseActiveCounts.Contains(id) ? 0.5e9 / model.PublishedActiveParameters : Rounding(model.PublishedActiveParameters));
        double inputTable = (double)model.Vocab * model.Hidden;
        double outputTable = model.TiedEmbeddings ? 0 : inputTable;
        double withTable = model.ActiveParameters / model.PublishedActiveParameters;
        double withoutTable = (model.ActiveParameters - inputTable) / model.PublishedActiveParameters;
        double withoutTables = (model.ActiveParameters - inputTable - outputTable) / model.PublishedActiveParameters;
        Assert.True(new[] { withTable, withoutTable, withoutTables }.Any(r => Math.Abs(r - 1) <= activeTolerance),
            $"{id}: active parameters {model.ActiveParameters:E3} ({withTable:P1} of the published {model.PublishedActiveParameters:E3}; {withoutTable:P1} without the input embedding, {withoutTables:P1} without both tables)");
    }

    /// <summary>
    /// Models whose card gives the active count to the nearest billion: Qwen3-Next's "3B activated", which its shape
    /// puts at 3.25B without the vocabulary tables (the card's 79B non-embedding total agrees with the shape to 1 %).
    /// </summary>
    private static readonly HashSet<string> CoarseActiveCounts = ["qwen3-next-80b-a3b"];

    /// <summary>
    /// Half a unit of a published figure's last significant digit, relative to it (1.7e9: 0.05e9 / 1.7e9), at most 3 %
    /// (a figure such as "400B" is read as rounded to its tens of billions, not to a whole hundred).
    /// </summary>
    private static double Rounding(double published)
    {
        string digits = published.ToString("E14", System.Globalization.CultureInfo.InvariantCulture).Split('E')[0].Replace(".", "", StringComparison.Ordinal).TrimEnd('0');
        double unit = Math.Pow(10, Math.Floor(Math.Log10(published)) - (digits.Length - 1));
        return Math.Min(0.03, unit / 2 / published);
    }

    [Fact]
    public void Llama_2_7b_count_is_exact_to_a_tenth_of_a_percent()
    {
        // 6,738,415,616 parameters in the released checkpoint, of which 266,240 are RMSNorm weights.
        Assert.Equal(6_738_149_376, SimCatalog.Default.Models.Get("llama-2-7b").TotalParameters);
    }

    [Fact]
    public void Kv_cache_per_token_follows_grouped_query_and_latent_attention()
    {
        // Llama 3.1 8B: 32 layers x 2 x 8 KV heads x 128 x 2 bytes = 128 KiB per token.
        Assert.Equal(131_072, SimCatalog.Default.Models.Get("llama-3.1-8b").KvBytesPerToken(Precision.BF16));
        // DeepSeek-V3 MLA: 61 layers x (512 + 64) x 2 bytes = 70,272 bytes per token.
        Assert.Equal(70_272, SimCatalog.Default.Models.Get("deepseek-v3").KvBytesPerToken(Precision.BF16));
    }

    [Fact]
    public void Unknown_model_error_suggests_the_closest_id()
    {
        var error = Assert.Throws<KeyNotFoundException>(() => SimCatalog.Default.Models.Get("llama-3.1-8"));
        Assert.Contains("did you mean 'llama-3.1-8b'", error.Message);
    }

    [Fact]
    public void A_user_file_adds_a_model_and_bad_cells_name_line_and_field()
    {
        string header = "id,name,layers,hidden,heads,kv_heads,head_dim,ffn,vocab,source\n";
        var table = CsvTable.Parse(new StringReader(header + "tiny,Tiny,2,64,4,2,16,256,1000,test\n"), "mine.csv");
        ModelCatalog extended = SimCatalog.Default.Models.With(table);
        Assert.Equal(2, extended.Get("tiny").Layers);
        Assert.True(extended.TryGet("llama-2-7b", out _));

        var bad = CsvTable.Parse(new StringReader(header + "tiny,Tiny,2,64,4,3,16,256,1000,test\n"), "mine.csv");
        var error = Assert.Throws<CatalogException>(() => ModelCatalog.Empty.With(bad));
        Assert.Equal("mine.csv:2: field 'kv_heads': 3 does not divide heads 4", error.Message);

        var notNumber = CsvTable.Parse(new StringReader(header + "tiny,Tiny,two,64,4,2,16,256,1000,test\n"), "mine.csv");
        Assert.Contains("field 'layers': 'two' is not a number", Assert.Throws<CatalogException>(() => ModelCatalog.Empty.With(notNumber)).Message);
    }

    [Fact]
    public void Sliding_window_layers_are_read_and_a_window_without_local_layers_is_refused()
    {
        ModelSpec gemma = SimCatalog.Default.Models.Get("gemma-3-27b");
        Assert.Equal(1024, gemma.SlidingWindow);
        Assert.Equal(52, gemma.SlidingWindowLayers);
        Assert.Equal(0, SimCatalog.Default.Models.Get("llama-3.1-8b").SlidingWindowLayers);
        Assert.Equal(12, SimCatalog.Default.Models.Get("gpt-oss-20b").SlidingWindowLayers);

        string header = "id,name,layers,hidden,heads,kv_heads,head_dim,ffn,vocab,sliding_window,full_attention_layers,source\n";
        var bad = CsvTable.Parse(new StringReader(header + "tiny,Tiny,2,64,4,2,16,256,1000,512,2,test\n"), "mine.csv");
        Assert.Equal(
            "mine.csv:2: field 'full_attention_layers': 2 leaves none of the 2 layers to the 512-token sliding window; give fewer, or sliding_window 0",
            Assert.Throws<CatalogException>(() => ModelCatalog.Empty.With(bad)).Message);
    }

    [Theory]
    [InlineData("4,4,16,8,16,4,4,0", "linear_layers", "4 leaves none of the 4 layers attending")]
    [InlineData("3,4,16,8,16,4,3,0", "linear_state_bytes", "3 is not a state element's size; expected 4 (FP32), 2 (BF16) or 1 (FP8)")]
    [InlineData("3,4,0,8,16,4,4,0", "linear_key_dim", "is required for a model with linear_layers 3")]
    [InlineData("0,4,16,8,16,4,4,0", "linear_layers", "is 0, but the row gives a linear layer's shape")]
    [InlineData("3,4,16,8,16,4,4,512", "sliding_window", "a model with linear layers and a sliding window too is not modelled")]
    public void A_hybrid_row_needs_its_state_shape_and_an_attention_layer(string linearCells, string field, string problem)
    {
        // After the source: linear_layers, key heads, key dim, value heads, value dim, convolution, state bytes, then sliding_window.
        string header = "id,name,layers,hidden,heads,kv_heads,head_dim,ffn,vocab,source,linear_layers,linear_key_heads,linear_key_dim,linear_value_heads,linear_value_dim,linear_conv_kernel,linear_state_bytes,sliding_window\n";
        var good = CsvTable.Parse(new StringReader(header + "tiny,Tiny,4,64,4,2,16,256,1000,test,3,4,16,8,16,4,4,0\n"), "mine.csv");
        ModelSpec tiny = ModelCatalog.Empty.With(good).Get("tiny");
        Assert.Equal((1, 3, 8.0 * 16 * 16 * 4 + (3 * ((2.0 * 4 * 16) + (8 * 16)) * 2)), (tiny.AttentionLayers, tiny.LinearLayers, tiny.LinearStateBytesPerLayer));

        var bad = CsvTable.Parse(new StringReader(header + "tiny,Tiny,4,64,4,2,16,256,1000,test," + linearCells + "\n"), "mine.csv");
        CatalogException e = Assert.Throws<CatalogException>(() => ModelCatalog.Empty.With(bad));
        Assert.StartsWith($"mine.csv:2: field '{field}': ", e.Message, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0,8,64,", "sparse_top_k", "is 0, but the row gives an indexer")]
    [InlineData("256,0,64,", "indexer_heads", "is required for sparse attention (sparse_top_k 256)")]
    [InlineData("256,8,64,5", "indexer_layers", "5 is more than the 4 attending layers")]
    public void Sparse_attention_needs_its_indexer(string sparseCells, string field, string problem)
    {
        // After the source: sparse_top_k, indexer_heads, indexer_head_dim, indexer_layers.
        string header = "id,name,layers,hidden,heads,kv_heads,head_dim,ffn,vocab,source,sparse_top_k,indexer_heads,indexer_head_dim,indexer_layers\n";
        ModelSpec tiny = ModelCatalog.Empty.With(CsvTable.Parse(new StringReader(header + "tiny,Tiny,4,64,4,2,16,256,1000,test,256,8,64,\n"), "mine.csv")).Get("tiny");
        Assert.Equal((256, 4, 4 * 68.0), (tiny.SparseTopK, tiny.IndexerLayerCount, tiny.IndexerBytesPerToken));

        var bad = CsvTable.Parse(new StringReader(header + "tiny,Tiny,4,64,4,2,16,256,1000,test," + sparseCells + "\n"), "mine.csv");
        CatalogException e = Assert.Throws<CatalogException>(() => ModelCatalog.Empty.With(bad));
        Assert.StartsWith($"mine.csv:2: field '{field}': ", e.Message, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }
}
