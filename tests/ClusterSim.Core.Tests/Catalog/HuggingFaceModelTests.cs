using ClusterSim.Core.Catalog;
using ClusterSim.Tests;

namespace ClusterSim.Core.Tests.Catalog;

public class HuggingFaceModelTests
{
    /// <summary>The config.json files under data/hf-configs and the shipped rows built from the same files by hand.</summary>
    public static TheoryData<string, string> PublishedConfigs() => new()
    {
        { "Llama-3.1-8B-Instruct.json", "llama-3.1-8b" },
        { "Mixtral-8x7B-Instruct-v0.1.json", "mixtral-8x7b" },
        { "DeepSeek-V3.json", "deepseek-v3" },
        { "DeepSeek-V2-Lite.json", "deepseek-v2-lite" },
        { "Qwen3-30B-A3B.json", "qwen3-30b-a3b" },
        { "gemma-2-9b-it.json", "gemma-2-9b" },
        { "gpt-oss-20b.json", "gpt-oss-20b" },
        { "opt-125m.json", "opt-125m" },
        { "Qwen3.5-397B-A17B.json", "qwen3.5-397b-a17b" },
        { "NVIDIA-Nemotron-3-Nano-30B-A3B.json", "nemotron-3-nano-30b-a3b" },
        { "DeepSeek-V3.2.json", "deepseek-v3.2" },
        { "Qwen3-Next-80B-A3B-Instruct.json", "qwen3-next-80b-a3b" },
    };

    [Theory]
    [MemberData(nameof(PublishedConfigs))]
    public void A_published_config_imports_to_the_shape_of_the_shipped_row_read_from_it(string file, string shipped)
    {
        string path = Path.Combine(RepositoryRoot.Path, "data", "hf-configs", file);
        ModelSpec imported = HuggingFaceModel.Import(File.ReadAllText(path), file, id: "imported").Spec(file);
        ModelSpec expected = SimCatalog.Default.Models.Get(shipped);

        // Every field the step-time model reads; the context is left out (the catalog takes DeepSeek-V3's 128K from its model card, the config says 160K).
        object[] Shape(ModelSpec m) =>
        [
            m.Layers, m.Hidden, m.Heads, m.KvHeads, m.HeadDim, m.Ffn, m.Vocab, m.GatedMlp, m.TiedEmbeddings, m.LearnedPositions, m.Experts, m.TopK,
            m.SharedExperts, m.ExpertFfn, m.DenseLayers, m.QLoraRank, m.KvLoraRank, m.RopeHeadDim, m.VHeadDim, m.SlidingWindow, m.FullAttentionLayers,
            m.NativePrecision?.ToString() ?? "16-bit", m.LinearLayers, m.LinearKeyHeads, m.LinearKeyDim, m.LinearValueHeads, m.LinearValueDim,
            m.LinearConvKernel, m.LinearStateBytes, m.AttentionOutputGate, m.MlpLayers, m.SparseTopK, m.IndexerHeads, m.IndexerHeadDim, m.IndexerLayers,
        ];
        Assert.Equal(Shape(expected), Shape(imported));
        Assert.Equal(expected.KvBytesPerToken(Precision.BF16), imported.KvBytesPerToken(Precision.BF16));

        // And so the counts the model card publishes, within the catalog's own tolerance (norms and biases are not counted).
        Assert.InRange(imported.TotalParameters / expected.PublishedTotalParameters, 0.97, 1.03);
    }

    [Fact]
    public void Qwen3_Next_reads_its_Gated_DeltaNet_layers_from_the_interval_and_keeps_their_state_in_16_bits()
    {
        string path = Path.Combine(RepositoryRoot.Path, "data", "hf-configs", "Qwen3-Next-80B-A3B-Instruct.json");
        ImportedModel model = HuggingFaceModel.Import(File.ReadAllText(path), "Qwen3-Next-80B-A3B-Instruct.json", id: "qwen3-next");
        ModelSpec m = model.Spec("config.json");

        Assert.Equal((36, 12, 16, 128, 32, 128, 4, 2, true), (m.LinearLayers, m.AttentionLayers, m.LinearKeyHeads, m.LinearKeyDim, m.LinearValueHeads, m.LinearValueDim, m.LinearConvKernel, m.LinearStateBytes, m.AttentionOutputGate));
        Assert.InRange(m.TotalParameters / 80e9, 0.97, 1.03);   // "80B in total" (its model card); 79B without the embeddings, as the card also says
        Assert.InRange((m.TotalParameters - m.EmbeddingParameters) / 79e9, 0.99, 1.01);
        Assert.Equal(12 * 2 * 2 * 256 * 2.0, m.KvBytesPerToken(Precision.BF16));   // 24 KiB a token: a quarter of the layers keep KV
        Assert.Contains(model.Notes, n => n.Contains("mamba_ssm_dtype not given", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("lfm2", "\"layer_types\": [\"conv\", \"full_attention\"]", "layer_types")]
    [InlineData("llama", "\"layer_types\": [\"linear_attention\", \"full_attention\"]", "layer_types")]
    [InlineData("jamba", "\"attn_layer_period\": 8", "model_type")]
    public void Other_recurrent_layers_are_refused_with_the_field_that_shows_them(string family, string layers, string field)
    {
        string json = $$"""
            { "model_type": "{{family}}", "hidden_size": 1024, "num_attention_heads": 8, "num_hidden_layers": 2, "intermediate_size": 4096,
              "vocab_size": 32000, {{layers}} }
            """;
        CatalogException e = Assert.Throws<CatalogException>(() => HuggingFaceModel.Import(json, "config.json", id: "x"));

        Assert.Contains($"'{field}'", e.Message, StringComparison.Ordinal);
        Assert.Contains("Gated DeltaNet hybrids (Qwen3-Next, Qwen3.5) and Mamba-2 hybrids (Nemotron-H, Nemotron 3, Granite 4.0) can be imported", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nemotron_H_blocks_are_counted_as_mixer_layers_and_MLPs_apart()
    {
        // Nemotron-H 8B's pattern (NVIDIA Megatron Bridge's NemotronHModelProvider8B): 24 Mamba-2, 4 attention and 24 MLP
        // blocks; squared-ReLU MLPs of 21,504, so two matrices each.
        const string json = """
            { "architectures": ["NemotronHForCausalLM"], "model_type": "nemotron_h", "hidden_size": 4096, "num_hidden_layers": 52,
              "hybrid_override_pattern": "M-M-M-M*-M-M-M-M-M*-M-M-M-M-M*-M-M-M-M-M*-M-M-M-M-M-",
              "num_attention_heads": 32, "num_key_value_heads": 8, "head_dim": 128, "intermediate_size": 21504, "mamba_num_heads": 128,
              "mamba_head_dim": 64, "ssm_state_size": 128, "n_groups": 8, "conv_kernel": 4, "vocab_size": 131072, "tie_word_embeddings": false,
              "mamba_ssm_cache_dtype": "float32" }
            """;
        ImportedModel model = HuggingFaceModel.Import(json, "config.json", id: "nemotron-h-8b");
        ModelSpec m = model.Spec("config.json");

        Assert.Equal((28, 24, 4, 24, false, 4), (m.Layers, m.LinearLayers, m.AttentionLayers, m.LayersWithMlp, m.GatedMlp, m.LinearStateBytes));
        Assert.Equal(24 * 2.0 * 4096 * 21504, m.LayersWithMlp * m.DenseMlpParameters);
        Assert.InRange(m.TotalParameters / 8.1e9, 0.95, 1.05);   // "Nemotron-H-8B": 8.1B in NVIDIA's paper (arXiv 2504.03624)
        Assert.Contains(model.Notes, n => n.Contains("52 blocks are 24 Mamba-2, 4 attention, 24 MLP and 0 MoE blocks", StringComparison.Ordinal));

        CatalogException bad = Assert.Throws<CatalogException>(() => HuggingFaceModel.Import(json.Replace("M-M-M-M*-M", "M-M-M-MX-M", StringComparison.Ordinal), "config.json", id: "x"));
        Assert.Contains("field 'hybrid_override_pattern': has 'X' at block 7", bad.Message, StringComparison.Ordinal);
        CatalogException noAttention = Assert.Throws<CatalogException>(() => HuggingFaceModel.Import(json.Replace("*", "M", StringComparison.Ordinal), "config.json", id: "x"));
        Assert.Contains("has no attention block", noAttention.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Granite_4_pairs_each_Mamba_2_or_attention_mixer_with_experts()
    {
        // The shape of Transformers' GraniteMoeHybrid test config, with a shared expert twice the routed width (as
        // Granite-4.0-H-Small's 1,536 against 768): six Mamba-2 layers and two attending, every layer with experts.
        const string json = """
            { "architectures": ["GraniteMoeHybridForCausalLM"], "model_type": "granitemoehybrid", "hidden_size": 512, "num_hidden_layers": 8,
              "layer_types": ["mamba", "mamba", "mamba", "attention", "mamba", "mamba", "mamba", "attention"],
              "num_attention_heads": 8, "num_key_value_heads": 4, "intermediate_size": 256, "shared_intermediate_size": 512,
              "num_local_experts": 8, "num_experts_per_tok": 2, "mamba_n_heads": 8, "mamba_d_head": 128, "mamba_d_state": 128,
              "mamba_n_groups": 1, "mamba_d_conv": 4, "vocab_size": 49152, "tie_word_embeddings": true, "max_position_embeddings": 4096 }
            """;
        ModelSpec m = HuggingFaceModel.Import(json, "config.json", id: "granite-tiny").Spec("config.json");

        Assert.Equal((8, 6, 2, 8, 2, 0), (m.Layers, m.LinearLayers, m.AttentionLayers, m.MoELayers, m.SharedExperts, m.MlpLayers));
        Assert.Equal((1, 128, 8, 128, 4), (m.LinearKeyHeads, m.LinearKeyDim, m.LinearValueHeads, m.LinearValueDim, m.LinearConvKernel));
        Assert.Equal((8.0 * 128 * 128 * 2) + (3 * 1280.0 * 2), m.LinearStateBytesPerLayer);   // 1,280 channels: 2 × 1 × 128 + 8 × 128

        double mamba = (512.0 * (1280 + 1024 + 16)) + (1280.0 * 4) + (1024.0 * 512);
        double attention = (512.0 * 512) + (2 * 512.0 * 256) + (512.0 * 512);   // 8 heads of 64, 4 KV heads
        double experts = 8 * (((8 + 2) * 3.0 * 512 * 256) + (512.0 * 8));
        Assert.Equal((6 * mamba) + (2 * attention) + experts + (49152.0 * 512), m.TotalParameters);
    }

    [Fact]
    public void A_hybrid_without_attention_layers_or_with_an_unknown_state_dtype_is_refused()
    {
        const string allLinear = """
            { "model_type": "qwen3_next", "hidden_size": 256, "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 64, "num_hidden_layers": 2,
              "intermediate_size": 512, "vocab_size": 1000, "layer_types": ["linear_attention", "linear_attention"],
              "linear_num_key_heads": 2, "linear_key_head_dim": 64, "linear_num_value_heads": 4, "linear_value_head_dim": 64 }
            """;
        Assert.Contains("leaves none of the 2 layers attending", Assert.Throws<CatalogException>(() => HuggingFaceModel.Import(allLinear, "config.json", id: "x")).Message, StringComparison.Ordinal);

        string oddState = allLinear.Replace("\"linear_attention\", \"linear_attention\"", "\"linear_attention\", \"full_attention\"", StringComparison.Ordinal)
            .Replace("\"intermediate_size\"", "\"mamba_ssm_dtype\": \"int8\", \"intermediate_size\"", StringComparison.Ordinal);
        CatalogException e = Assert.Throws<CatalogException>(() => HuggingFaceModel.Import(oddState, "config.json", id: "x"));
        Assert.Contains("'mamba_ssm_dtype'", e.Message, StringComparison.Ordinal);
        Assert.Contains("expected float32, bfloat16 or float16", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_vision_language_config_is_read_from_its_text_config_and_says_the_encoder_is_left_out()
    {
        const string json = """
            {
              "architectures": ["Gemma3ForConditionalGeneration"],
              "model_type": "gemma3",
              "text_config": { "model_type": "gemma3_text", "hidden_size": 3840, "intermediate_size": 15360, "num_attention_heads": 16,
                               "num_hidden_layers": 48, "num_key_value_heads": 8, "vocab_size": 262144,
                               "max_position_embeddings": 131072, "sliding_window": 1024, "sliding_window_pattern": 6 },
              "vision_config": { "hidden_size": 1152, "num_hidden_layers": 27, "num_attention_heads": 16 }
            }
            """;
        ImportedModel model = HuggingFaceModel.Import(json, "config.json", id: "gemma-3-12b-copy");
        ModelSpec spec = model.Spec("config.json");
        ModelSpec shipped = SimCatalog.Default.Models.Get("gemma-3-12b");
        Assert.Equal((shipped.Layers, shipped.Hidden, shipped.HeadDim, shipped.Vocab, shipped.SlidingWindow, shipped.FullAttentionLayers, shipped.TiedEmbeddings),
            (spec.Layers, spec.Hidden, spec.HeadDim, spec.Vocab, spec.SlidingWindow, spec.FullAttentionLayers, spec.TiedEmbeddings));
        Assert.Contains(model.Notes, n => n.Contains("text_config", StringComparison.Ordinal));
        Assert.Contains(model.Notes, n => n.Contains("tie_word_embeddings not given: tied", StringComparison.Ordinal));
        Assert.Contains(model.Notes, n => n.Contains("head_dim not given: 256", StringComparison.Ordinal));   // not 3,840 / 16 = 240
    }

    [Fact]
    public void Llama_4_counts_its_interleaved_dense_layers_and_its_unnamed_shared_expert()
    {
        const string json = """
            { "architectures": ["Llama4ForConditionalGeneration"], "model_type": "llama4",
              "text_config": { "model_type": "llama4_text", "hidden_size": 5120, "intermediate_size": 8192, "intermediate_size_mlp": 16384,
                               "num_attention_heads": 40, "num_hidden_layers": 48, "num_key_value_heads": 8, "head_dim": 128,
                               "num_local_experts": 128, "num_experts_per_tok": 1, "interleave_moe_layer_step": 2, "vocab_size": 202048,
                               "max_position_embeddings": 1048576, "tie_word_embeddings": false } }
            """;
        ModelSpec spec = HuggingFaceModel.Import(json, "config.json", id: "maverick").Spec("config.json");
        ModelSpec shipped = SimCatalog.Default.Models.Get("llama-4-maverick");
        Assert.Equal((shipped.Experts, shipped.SharedExperts, shipped.ExpertFfn, shipped.Ffn, shipped.DenseLayers), (spec.Experts, spec.SharedExperts, spec.ExpertFfn, spec.Ffn, spec.DenseLayers));
        Assert.Equal(shipped.TotalParameters, spec.TotalParameters);
    }

    [Fact]
    public void A_shared_expert_given_as_a_width_counts_as_that_many_expert_widths()
    {
        // Qwen1.5-MoE-A2.7B's shape: one shared expert four routed experts wide.
        const string json = """
            { "_name_or_path": "Qwen/Qwen1.5-MoE-A2.7B", "model_type": "qwen2_moe", "hidden_size": 2048, "intermediate_size": 5632,
              "moe_intermediate_size": 1408, "shared_expert_intermediate_size": 5632, "num_experts": 60, "num_experts_per_tok": 4,
              "num_attention_heads": 16, "num_key_value_heads": 16, "num_hidden_layers": 24, "vocab_size": 151936,
              "max_position_embeddings": 8192, "tie_word_embeddings": false, "use_sliding_window": false, "sliding_window": 32768 }
            """;
        ImportedModel model = HuggingFaceModel.Import(json, "config.json");
        ModelSpec spec = model.Spec("config.json");
        Assert.Equal("qwen1.5-moe-a2.7b", model.Id);
        Assert.Contains("Qwen/Qwen1.5-MoE-A2.7B", spec.Aliases);
        Assert.Equal((60, 4, 4, 1408, 0, 0), (spec.Experts, spec.TopK, spec.SharedExperts, spec.ExpertFfn, spec.DenseLayers, spec.SlidingWindow));
        Assert.InRange(spec.TotalParameters / 14.3e9, 0.97, 1.03);   // 14.3B total per its model card
    }

    [Fact]
    public void DBRX_is_read_from_its_attention_and_MLP_objects()
    {
        // databricks/dbrx-instruct's shape: 16 experts of 10,752, top 4, 8 KV heads, all kept in nested objects.
        const string json = """
            { "_name_or_path": "databricks/dbrx-instruct", "model_type": "dbrx", "d_model": 6144, "n_heads": 48, "n_layers": 40,
              "max_seq_len": 32768, "vocab_size": 100352, "tie_word_embeddings": false,
              "attn_config": { "kv_n_heads": 8, "rope_theta": 500000 },
              "ffn_config": { "ffn_hidden_size": 10752, "moe_num_experts": 16, "moe_top_k": 4 } }
            """;
        ModelSpec spec = HuggingFaceModel.Import(json, "config.json").Spec("config.json");
        Assert.Equal((40, 6144, 48, 8, 128, 16, 4, 10752), (spec.Layers, spec.Hidden, spec.Heads, spec.KvHeads, spec.HeadDim, spec.Experts, spec.TopK, spec.ExpertFfn));
        Assert.InRange(spec.TotalParameters / 132e9, 0.97, 1.03);   // 132B total per its model card
        Assert.InRange(spec.ActiveParameters / 36e9, 0.95, 1.05);   // and 36B active
    }

    [Fact]
    public void Qwens_sparse_step_and_MLP_only_layers_leave_the_layers_they_name_dense()
    {
        // 8 layers, every second one sparse (1, 3, 5, 7), layers 0 and 3 MLP-only: layer 0 was dense anyway, so 3 route.
        const string json = """
            { "model_type": "qwen2_moe", "hidden_size": 64, "intermediate_size": 256, "moe_intermediate_size": 32, "num_experts": 4,
              "num_experts_per_tok": 2, "num_attention_heads": 4, "num_hidden_layers": 8, "vocab_size": 100, "max_position_embeddings": 512,
              "tie_word_embeddings": false, "decoder_sparse_step": 2, "mlp_only_layers": [0, 3] }
            """;
        ImportedModel model = HuggingFaceModel.Import(json, "config.json", id: "toy");
        Assert.Equal((3, 5), (model.Spec("config.json").MoELayers, model.Spec("config.json").DenseLayers));
        Assert.Contains(model.Notes, n => n.StartsWith("5 of 8 layers have a dense MLP", StringComparison.Ordinal));
    }

    /// <summary>Configs that cannot be imported, and what the error must say (file, line and field where there is one).</summary>
    public static TheoryData<string, string> Refused() => new()
    {
        { "{ \"model_type\": \"llama\", \"num_hidden_layers\": 2,\n  \"num_attention_heads\": 4, \"vocab_size\": 10 }", "config.json:1: field 'hidden_size': is missing; expected a positive whole number" },
        { "{ \"model_type\": \"llama\", \"hidden_size\": 64,\n  \"num_hidden_layers\": 2.5, \"num_attention_heads\": 4, \"vocab_size\": 10 }", "config.json:2: field 'num_hidden_layers': is 2.5; expected a whole number of at least 0" },
        { "{ \"model_type\": \"t5\", \"is_encoder_decoder\": true }", "encoder-decoder model" },
        { "{ \"model_type\": \"jamba\", \"hidden_size\": 64 }", "state-space or linear-attention layer" },
        { "{ \"model_type\": \"llama\", \"hidden_size\": 64, \"num_hidden_layers\": 2, \"num_attention_heads\": 4, \"vocab_size\": 10,\n  \"layer_types\": [\"full_attention\", \"linear_attention\"] }", "config.json:2: field 'layer_types': a 'linear_attention' layer" },
        { "{ \"model_type\": \"llama\", \"hidden_size\": 64, \"num_hidden_layers\": 2, \"num_attention_heads\": 3, \"vocab_size\": 10 }", "3 heads do not divide hidden_size 64 and no head_dim is given" },
        { "{ \"model_type\": \"llama\", \"hidden_size\": 64, \"num_hidden_layers\": 2, \"num_attention_heads\": 4, \"num_key_value_heads\": 3, \"vocab_size\": 10, \"intermediate_size\": 128 }", "field 'kv_heads': 3 does not divide heads 4" },
        { "{ \"model_type\": \"llama\", \"hidden_size\": 64, ", "config.json:1: not valid JSON" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void A_config_that_cannot_be_timed_is_refused_with_the_file_line_and_field(string json, string message)
    {
        var e = Assert.Throws<CatalogException>(() => HuggingFaceModel.Import(json, "config.json", id: "m").Spec("config.json"));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_config_without_a_checkpoint_name_needs_an_id_and_takes_one_from_its_path()
    {
        const string json = """{ "model_type": "llama", "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "vocab_size": 10, "intermediate_size": 128 }""";
        var e = Assert.Throws<CatalogException>(() => HuggingFaceModel.Import(json, "config.json"));
        Assert.Contains("--id", e.Message, StringComparison.Ordinal);
        Assert.Equal("tiny", HuggingFaceModel.Import(json, "config.json", fallbackId: "tiny").Id);
        Assert.Equal("given", HuggingFaceModel.Import(json, "config.json", id: "given", fallbackId: "tiny").Id);
    }

    [Fact]
    public void The_row_reads_back_through_the_catalog_with_the_shipped_columns()
    {
        string json = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "data", "hf-configs", "gpt-oss-20b.json"));
        ImportedModel model = HuggingFaceModel.Import(json, "gpt-oss-20b.json", id: "my-oss", name: "My gpt-oss, tuned", aliases: ["me/oss"]);
        string shippedHeader = SimCatalog.ShippedText("models.csv").Split('\n')[0].TrimEnd('\r');
        Assert.Equal(shippedHeader, model.Header);
        ModelSpec spec = model.Spec("my.csv");
        Assert.Equal("My gpt-oss, tuned", spec.Name);   // quoted in the row, read back whole
        Assert.Equal(["me/oss"], spec.Aliases);
        Assert.Equal(0, spec.PublishedTotalParameters);
    }

    [Theory]
    [MemberData(nameof(PublishedConfigs))]
    public void A_damaged_config_is_imported_or_refused_with_its_file_never_with_a_crash(string file, string shipped)
    {
        // The shared corpus generator's damage at seeded places; any exception other than CatalogException is a bug.
        string text = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "data", "hf-configs", file));
        ClusterSim.Core.Engine.RandomStream random = new ClusterSim.Core.Engine.RandomStreams(2026).For(shipped);
        int refused = 0, read = 0;
        for (int k = 0; k < 400; k++)
        {
            string mutated = TextMutator.Mutate(text, k, random);
            try
            {
                _ = HuggingFaceModel.Import(mutated, file, id: "fuzzed").Spec(file);
                read++;
            }
            catch (CatalogException e)
            {
                Assert.StartsWith($"{file}:", e.Message, StringComparison.Ordinal);
                refused++;
            }
        }

        Assert.True(refused > 0 && read > 0, $"{refused} refused, {read} read");
    }
}
