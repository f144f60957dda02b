using ClusterSim.Core.Catalog;

namespace ClusterSim.Core.Tests.Catalog;

/// <summary>
/// The older and less common architectures served in published evaluations (OPT in vLLM's and DistServe's, Falcon 180B
/// in Sarathi-Serve's, BLOOM in Splitwise's, Vidur's profiled Qwen 72B, InternLM 20B and Phi-2) and the MoE models whose
/// configs name their experts in their own words: each config's own fields (as its config.json spells them) import to
/// the shape of the shipped row written from the same facts, so a user's config.json and the catalog agree.
/// </summary>
public class PaperModelConfigTests
{
    public static TheoryData<string, string> Configs() => new()
    {
        {
            "opt-13b",
            """{ "model_type": "opt", "hidden_size": 5120, "num_hidden_layers": 40, "num_attention_heads": 40, "ffn_dim": 20480, "vocab_size": 50272, "max_position_embeddings": 2048, "word_embed_proj_dim": 5120, "do_layer_norm_before": true, "_name_or_path": "facebook/opt-13b" }"""
        },
        {
            "falcon-7b",
            """{ "model_type": "falcon", "hidden_size": 4544, "num_hidden_layers": 32, "num_attention_heads": 71, "multi_query": true, "parallel_attn": true, "new_decoder_architecture": false, "vocab_size": 65024, "alibi": false, "bias": false }"""
        },
        {
            "falcon-40b",
            """{ "model_type": "falcon", "hidden_size": 8192, "n_layer": 60, "n_head": 128, "n_head_kv": 8, "new_decoder_architecture": true, "parallel_attn": true, "vocab_size": 65024 }"""
        },
        {
            "falcon-180b",
            """{ "model_type": "falcon", "hidden_size": 14848, "num_hidden_layers": 80, "num_attention_heads": 232, "num_kv_heads": 8, "new_decoder_architecture": true, "parallel_attn": true, "vocab_size": 65024, "max_position_embeddings": 2048 }"""
        },
        {
            "bloom-176b",
            """{ "model_type": "bloom", "hidden_size": 14336, "n_layer": 70, "n_head": 112, "vocab_size": 250880, "seq_length": 2048 }"""
        },
        {
            "qwen-72b",
            """{ "model_type": "qwen", "hidden_size": 8192, "num_hidden_layers": 80, "num_attention_heads": 64, "kv_channels": 128, "intermediate_size": 49152, "vocab_size": 152064, "seq_length": 32768, "max_position_embeddings": 32768, "tie_word_embeddings": false }"""
        },
        {
            "internlm-20b",
            """{ "model_type": "internlm", "hidden_size": 5120, "num_hidden_layers": 60, "num_attention_heads": 40, "num_key_value_heads": 40, "intermediate_size": 13824, "vocab_size": 103168, "max_position_embeddings": 4096, "tie_word_embeddings": false }"""
        },
        {
            "phi-2",
            """{ "model_type": "phi", "hidden_size": 2560, "num_hidden_layers": 32, "num_attention_heads": 32, "intermediate_size": 10240, "vocab_size": 51200, "max_position_embeddings": 2048, "partial_rotary_factor": 0.4, "tie_word_embeddings": false }"""
        },
        {
            "phi-3.5-moe",
            """{ "model_type": "phimoe", "hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8, "intermediate_size": 6400, "num_local_experts": 16, "num_experts_per_tok": 2, "vocab_size": 32064, "max_position_embeddings": 131072, "tie_word_embeddings": false }"""
        },
        {
            "dbrx",
            """{ "model_type": "dbrx", "d_model": 6144, "n_layers": 40, "n_heads": 48, "vocab_size": 100352, "max_seq_len": 32768, "attn_config": { "kv_n_heads": 8, "clip_qkv": 8, "rope_theta": 500000 }, "ffn_config": { "ffn_hidden_size": 10752, "moe_num_experts": 16, "moe_top_k": 4 }, "tie_word_embeddings": false }"""
        },
        {
            "qwen2-57b-a14b",
            """{ "model_type": "qwen2_moe", "hidden_size": 3584, "num_hidden_layers": 28, "num_attention_heads": 28, "num_key_value_heads": 4, "intermediate_size": 18944, "moe_intermediate_size": 2560, "shared_expert_intermediate_size": 20480, "num_experts": 64, "num_experts_per_tok": 8, "decoder_sparse_step": 1, "vocab_size": 151936, "max_position_embeddings": 131072, "tie_word_embeddings": false }"""
        },
        {
            "olmoe-1b-7b",
            """{ "model_type": "olmoe", "hidden_size": 2048, "num_hidden_layers": 16, "num_attention_heads": 16, "num_key_value_heads": 16, "intermediate_size": 1024, "num_experts": 64, "num_experts_per_tok": 8, "vocab_size": 50304, "max_position_embeddings": 4096, "tie_word_embeddings": false }"""
        },
        {
            "phi-4-mini",
            """{ "model_type": "phi3", "hidden_size": 3072, "num_hidden_layers": 32, "num_attention_heads": 24, "num_key_value_heads": 8, "intermediate_size": 8192, "vocab_size": 200064, "max_position_embeddings": 131072, "partial_rotary_factor": 0.75, "tie_word_embeddings": true }"""
        },
        {
            "command-r-35b",
            """{ "model_type": "cohere", "hidden_size": 8192, "num_hidden_layers": 40, "num_attention_heads": 64, "num_key_value_heads": 64, "intermediate_size": 22528, "vocab_size": 256000, "max_position_embeddings": 8192, "tie_word_embeddings": true }"""
        },
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public void A_config_in_its_own_words_imports_to_the_shipped_rows_shape(string shipped, string json)
    {
        ModelSpec imported = HuggingFaceModel.Import(json, "config.json", id: "imported").Spec("config.json");
        ModelSpec expected = SimCatalog.Default.Models.Get(shipped);

        object[] Shape(ModelSpec m) =>
        [
            m.Layers, m.Hidden, m.Heads, m.KvHeads, m.HeadDim, m.Ffn, m.Vocab, m.GatedMlp, m.TiedEmbeddings, m.LearnedPositions,
            m.Experts, m.TopK, m.SharedExperts, m.ExpertFfn, m.DenseLayers, m.SlidingWindow,
        ];
        Assert.Equal(Shape(expected), Shape(imported));
        Assert.Equal(expected.KvBytesPerToken(Precision.BF16), imported.KvBytesPerToken(Precision.BF16));
        Assert.Equal(expected.TotalParameters, imported.TotalParameters);
    }

    [Fact]
    public void Qwens_first_release_counts_both_input_projections_in_its_intermediate_size()
    {
        // Qwen-7B's config gives 22,016 for SwiGLU projections of 11,008 each (the width Llama 2 7B has at the same hidden size).
        const string json = """{ "model_type": "qwen", "hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32, "kv_channels": 128, "intermediate_size": 22016, "vocab_size": 151936, "seq_length": 8192 }""";
        ImportedModel model = HuggingFaceModel.Import(json, "config.json", id: "qwen-7b");

        Assert.Equal(11008, model.Spec("config.json").Ffn);
        Assert.Contains(model.Notes, n => n.Contains("11008 wide", StringComparison.Ordinal));

        // The same network written as a Llama config with its true width.
        string llama = json.Replace("\"qwen\"", "\"llama\"", StringComparison.Ordinal).Replace("22016", "11008", StringComparison.Ordinal);
        Assert.Equal(HuggingFaceModel.Import(llama, "config.json", id: "llama-shaped").Spec("config.json").TotalParameters, model.Spec("config.json").TotalParameters);
    }

    [Theory]
    [InlineData("facebook/opt-13b", "opt-13b")]
    [InlineData("tiiuae/falcon-180B", "falcon-180b")]
    [InlineData("bigscience/bloom", "bloom-176b")]
    [InlineData("microsoft/Phi-3.5-MoE-instruct", "phi-3.5-moe")]
    [InlineData("databricks/dbrx-instruct", "dbrx")]
    [InlineData("mistralai/Devstral-Small-2505", "mistral-small-24b")]
    public void A_Hugging_Face_id_names_its_row(string alias, string id)
    {
        Assert.True(SimCatalog.Default.Models.TryResolve(alias, out ModelSpec spec), alias);
        Assert.Equal(id, spec.Id);
    }
}
