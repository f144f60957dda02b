using System.Globalization;

namespace ClusterSim.Core.Catalog;

/// <summary>
/// A model-catalog row read from a Hugging Face <c>config.json</c>: the decoder's shape (layers, widths, attention heads,
/// experts, MLA ranks, sliding-window layers), its maximum context and the checkpoint's own weight format, under the
/// names the catalog's CSV uses, so a model the catalog lacks is one command away.
/// </summary>
/// <remarks>
/// Families differ in what their configs leave out (a Gemma ties its embeddings unless told otherwise, a Llama does not;
/// Llama 4 has a shared expert its config never names), so each default taken is written into <see cref="ImportedModel.Notes"/>.
/// Hybrids of attention with Gated DeltaNet layers (Qwen3-Next, Qwen3.5) or Mamba-2 ones (Nemotron-H, Nemotron 3, Granite 4.0) are
/// read with their linear layers' state shape; other state-space and linear-attention layers (Mamba-1, Jamba, RWKV) and
/// encoder-decoder models are refused.
/// </remarks>
public static class HuggingFaceModel
{
    // Families whose MLP is two matrices (up, activation, down) rather than a gated three.
    private static readonly HashSet<string> UngatedMlp = ["opt", "gpt2", "gpt_neox", "gptj", "gpt_bigcode", "mpt", "falcon", "phi", "bloom", "starcoder2", "codegen", "nemotron_h"];

    // Families whose configs tie the output head to the embeddings when they do not say.
    private static readonly HashSet<string> TiedByDefault = ["gemma", "gemma2", "gemma3", "opt", "gpt2", "gpt_bigcode", "bloom", "falcon", "mpt", "starcoder2"];

    // Layers the step-time model has no terms for.
    private static readonly HashSet<string> Recurrent = ["mamba", "mamba2", "jamba", "zamba", "zamba2", "falcon_h1", "lfm2", "rwkv", "recurrent_gemma", "xlstm"];

    // Hybrids whose linear layers are Gated DeltaNet with the Qwen3-Next spelling (linear_num_key_heads, ...).
    internal static readonly HashSet<string> GatedDeltaNet = ["qwen3_next", "qwen3_5", "qwen3_5_moe"];

    // Hybrids of Mamba-2, attention and MLP blocks laid out by hybrid_override_pattern (Nemotron-H, Nemotron 3).
    internal const string NemotronH = "nemotron_h";

    // Hybrids whose layers each pair a Mamba-2 or attention mixer with an MLP, named by layer_types (IBM's Granite 4.0).
    internal const string GraniteHybrid = "granitemoehybrid";

    private static readonly HashSet<string> EncoderOnlyOrSeq2Seq = ["t5", "mt5", "umt5", "bart", "mbart", "pegasus", "marian", "whisper", "bert", "roberta", "xlm-roberta", "deberta", "deberta-v2", "electra", "modernbert"];

    /// <summary>
    /// Reads <paramref name="json"/> (a config.json from <paramref name="source"/>) into one catalog row with the id
    /// <paramref name="id"/> (when omitted, the checkpoint's own name, <c>_name_or_path</c>, then <paramref name="fallbackId"/>);
    /// throws <see cref="CatalogException"/> with the file, line and field of what cannot be read or is not a model the
    /// simulator can time.
    /// </summary>
    public static ImportedModel Import(string json, string source, string? id = null, string? name = null, IReadOnlyList<string>? aliases = null, string? fallbackId = null)
    {
        ConfigJson c = ConfigJson.Parse(json, source);
        var notes = new List<string>();
        string family = Family(c);
        Refuse(c, family);

        string checkpoint = c.Text("_name_or_path") ?? string.Empty;
        string rowId = (id ?? IdFrom(checkpoint) ?? fallbackId ?? throw new CatalogException(source, 1, "_name_or_path", "is missing, so the config names no checkpoint to take an id from; give the model an id (--id)")).Trim();
        if (rowId.Length == 0 || rowId.Contains(',') || rowId.Contains('"'))
        {
            throw new CatalogException(source, 1, null, $"'{rowId}' cannot be a model id: give one without commas or quotes (--id)");
        }

        int layers = c.Integer("num_hidden_layers", "n_layer", "num_layers", "n_layers");
        int mlpLayers = 0;
        (int Mamba, int Attention, int Dense, int Moe)? nemotron = null;
        if (family == NemotronH)
        {
            // Its blocks are mixers or MLPs, not both: the row's layers are the mixers, mlp_layers the MLPs.
            var blocks = ConfigLayers.NemotronBlocks(c, layers);
            nemotron = blocks;
            notes.Add($"hybrid_override_pattern's {layers} blocks are {blocks.Mamba} Mamba-2, {blocks.Attention} attention, {blocks.Dense} MLP and {blocks.Moe} MoE blocks: counted as {blocks.Mamba + blocks.Attention} layers (the mixers) and {blocks.Dense + blocks.Moe} MLPs (mlp_layers)");
            layers = blocks.Mamba + blocks.Attention;
            mlpLayers = blocks.Dense + blocks.Moe;
        }

        int hidden = c.Integer("hidden_size", "n_embd", "d_model");
        int heads = c.Integer("num_attention_heads", "n_head", "n_heads");
        int vocab = c.Integer("vocab_size", "padded_vocab_size");
        var shape = Attention(c, family, hidden, heads, notes);
        var moe = ConfigLayers.Experts(c, family, mlpLayers > 0 ? mlpLayers : layers, notes, nemotron?.Moe);
        int ffn = ConfigLayers.DenseFfn(c, family, hidden, moe.ExpertFfn, notes);
        var window = ConfigLayers.SlidingWindow(c, family, layers, notes);
        LinearShape linear = ConfigLayers.Linear(c, family, layers, notes, nemotron?.Mamba ?? 0);
        bool outputGate = GatedDeltaNet.Contains(family) && c.Flag("attn_output_gate", true);
        var sparse = ConfigLayers.SparseAttention(c, notes);
        bool gated = !UngatedMlp.Contains(family);
        bool tied = TiedEmbeddings(c, family, notes);
        int maxContext = c.OptionalInteger("max_position_embeddings", "n_positions", "max_seq_len", "seq_length", "max_sequence_length") ?? 0;
        if (maxContext == 0)
        {
            maxContext = 4096;
            notes.Add("no maximum context (max_position_embeddings) given: 4,096 tokens assumed");
        }

        int learnedPositions = family switch
        {
            "opt" => maxContext + 2,   // OPT's position table carries an offset of two
            "gpt2" or "gpt_bigcode" => maxContext,
            _ => 0,
        };
        if (c.HasTextConfig)
        {
            notes.Add("the language model's shape is read from text_config; the vision or audio encoder is not part of the row");
        }

        string native = CheckpointFormat.Of(c, notes);
        var names = new List<string>();
        if (checkpoint.Contains('/') && !checkpoint.StartsWith('/') && !checkpoint.StartsWith('.') && !string.Equals(checkpoint, rowId, StringComparison.OrdinalIgnoreCase))
        {
            names.Add(checkpoint);
        }

        names.AddRange((aliases ?? []).Where(a => !names.Contains(a, StringComparer.OrdinalIgnoreCase) && !string.Equals(a, rowId, StringComparison.OrdinalIgnoreCase)));
        IReadOnlyList<string> architectures = c.Strings("architectures");
        string architecture = architectures.Count > 0 ? architectures[0] : family;
        var cells = new List<KeyValuePair<string, string>>
        {
            new("id", rowId),
            new("name", name ?? rowId),
            new("layers", I(layers)),
            new("hidden", I(hidden)),
            new("heads", I(heads)),
            new("kv_heads", I(shape.KvHeads)),
            new("head_dim", I(shape.HeadDim)),
            new("ffn", I(ffn)),
            new("vocab", I(vocab)),
            new("gated_mlp", gated ? "true" : "false"),
            new("tied_embeddings", tied ? "true" : "false"),
            new("learned_positions", I(learnedPositions)),
            new("experts", I(moe.Experts)),
            new("top_k", I(moe.TopK)),
            new("shared_experts", I(moe.Shared)),
            new("expert_ffn", I(moe.ExpertFfn)),
            new("dense_layers", I(moe.DenseLayers)),
            new("q_lora_rank", I(shape.QLoraRank)),
            new("kv_lora_rank", I(shape.KvLoraRank)),
            new("rope_head_dim", I(shape.RopeHeadDim)),
            new("v_head_dim", I(shape.VHeadDim)),
            new("max_context", I(maxContext)),
            new("sliding_window", I(window.Window)),
            new("full_attention_layers", I(window.FullLayers)),
            new("published_total", string.Empty),
            new("published_active", string.Empty),
            new("aliases", string.Join(';', names)),
            new("native_precision", native),
            new("source", $"{architecture} config.json read from {source} by `clustersim catalog import-model`; parameter counts computed from the shape (none published here)"),
            new("linear_layers", I(linear.Layers)),
            new("linear_key_heads", Blank(linear.KeyHeads)),
            new("linear_key_dim", Blank(linear.KeyDim)),
            new("linear_value_heads", Blank(linear.ValueHeads)),
            new("linear_value_dim", Blank(linear.ValueDim)),
            new("linear_conv_kernel", Blank(linear.ConvKernel)),
            new("linear_state_bytes", Blank(linear.StateBytes)),
            new("attention_output_gate", outputGate ? "true" : "false"),
            new("mlp_layers", Blank(mlpLayers)),
            new("sparse_top_k", Blank(sparse.TopK)),
            new("indexer_heads", Blank(sparse.Heads)),
            new("indexer_head_dim", Blank(sparse.HeadDim)),
            new("indexer_layers", Blank(sparse.Layers)),
        };
        return new ImportedModel(rowId, cells, notes);
    }

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A linear layer's dimension (or the MLP count), empty where the model has none (the catalog refuses a shape without the layers).</summary>
    private static string Blank(int value) => value == 0 ? string.Empty : I(value);

    /// <summary>The config's family (<c>model_type</c>), a text config's <c>_text</c> suffix dropped.</summary>
    private static string Family(ConfigJson c)
    {
        string type = (c.Text("model_type") ?? string.Empty).ToLowerInvariant();
        return type.EndsWith("_text", StringComparison.Ordinal) ? type[..^"_text".Length] : type;
    }

    private static void Refuse(ConfigJson c, string family)
    {
        if (c.Flag("is_encoder_decoder", false) || EncoderOnlyOrSeq2Seq.Contains(family))
        {
            throw c.Problem(c.Find("is_encoder_decoder") is null ? "model_type" : "is_encoder_decoder", $"'{family}' is an encoder or encoder-decoder model; the catalog holds decoder-only language models");
        }

        IReadOnlyList<string> kinds = c.Strings("layer_types");
        string? other = kinds.FirstOrDefault(k => k is not ("full_attention" or "sliding_attention" or "chunked_attention" or "attention")
            && !(k == "linear_attention" && GatedDeltaNet.Contains(family)) && !(k == "mamba" && family == GraniteHybrid));
        if (Recurrent.Contains(family) || other is not null)
        {
            throw c.Problem(other is null ? "model_type" : "layer_types", $"{(other is null ? $"'{family}'" : $"a '{other}' layer")} is a state-space or linear-attention layer, which the step-time model has no terms for; attention decoders (dense or mixture-of-experts), Gated DeltaNet hybrids (Qwen3-Next, Qwen3.5) and Mamba-2 hybrids (Nemotron-H, Nemotron 3, Granite 4.0) can be imported");
        }
    }

    private static string? IdFrom(string checkpoint)
    {
        string last = checkpoint.TrimEnd('/').Split('/').LastOrDefault() ?? string.Empty;
        return last.Length == 0 ? null : last.ToLowerInvariant();
    }

    private static (int KvHeads, int HeadDim, int QLoraRank, int KvLoraRank, int RopeHeadDim, int VHeadDim) Attention(ConfigJson c, string family, int hidden, int heads, List<string> notes)
    {
        int kvLora = c.OptionalInteger("kv_lora_rank") ?? 0;
        if (kvLora > 0)
        {
            // Multi-head latent attention: the catalog keeps every head (one latent cache serves them all).
            return (heads, c.Integer("qk_nope_head_dim"), c.OptionalInteger("q_lora_rank") ?? 0, kvLora, c.Integer("qk_rope_head_dim"), c.Integer("v_head_dim"));
        }

        int kv = c.OptionalInteger("num_key_value_heads", "num_kv_heads", "multi_query_group_num", "n_head_kv", "kv_n_heads") ?? (c.Flag("multi_query", false) ? 1 : heads);
        if (kv < 1)
        {
            throw c.Problem("num_key_value_heads", "is 0; expected at least one key-value head");
        }

        int? headDim = c.OptionalInteger("head_dim", "attention_head_size");
        if (headDim is null && family is "gemma" or "gemma2" or "gemma3")
        {
            // Gemma's heads are 256 wide whatever the hidden size (Gemma 3 12B: 16 heads of 256 on a hidden of 3,840).
            notes.Add("head_dim not given: 256, as Gemma configs default");
            headDim = 256;
        }

        if (headDim is null && hidden % heads != 0)
        {
            throw c.Problem("num_attention_heads", $"{heads} heads do not divide hidden_size {hidden} and no head_dim is given");
        }

        return (kv, headDim ?? hidden / heads, 0, 0, 0, 0);
    }

    private static bool TiedEmbeddings(ConfigJson c, string family, List<string> notes)
    {
        if (c.Find("tie_word_embeddings") is not null)
        {
            return c.Flag("tie_word_embeddings", false);
        }

        bool tied = TiedByDefault.Contains(family);
        notes.Add($"tie_word_embeddings not given: {(tied ? "tied" : "untied")}, as '{(family.Length == 0 ? "this" : family)}' configs default");
        return tied;
    }
}
