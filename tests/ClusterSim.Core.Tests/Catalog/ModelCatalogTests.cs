using ClusterSim.Core.Catalog;

namespace ClusterSim.Core.Tests.Catalog;

public class ModelCatalogTests
{
    public static TheoryData<string> ShippedModels() =>
        new(["llama-2-7b", "llama-2-70b", "llama-3.1-8b", "llama-3.1-70b", "llama-3.1-405b", "gpt-3-175b", "mixtral-8x7b", "mixtral-8x22b", "deepseek-v3", "llama-65b", "mt-nlg-530b", "megatron-1t"]);

    [Theory]
    [MemberData(nameof(ShippedModels))]
    public void Parameter_counts_computed_from_the_shape_match_the_published_counts(string id)
    {
        ModelSpec model = SimCatalog.Default.Models.Get(id);
        // Norms and biases are left out of the computed count; 2 % covers them and the rounding of published figures.
        Assert.InRange(model.TotalParameters / model.PublishedTotalParameters, 0.98, 1.02);
        Assert.InRange(model.ActiveParameters / model.PublishedActiveParameters, 0.98, 1.02);
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
}
