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
/// Encoder-decoder, state-space and linear-attention models are refused: the step-time model has no terms for them.
/// </remarks>
public static class HuggingFaceModel
{
    // Families whose MLP is two matrices (up, activation, down) rather than a gated three.
    private static readonly HashSet<string> UngatedMlp = ["opt", "gpt2", "gpt_neox", "gptj", "gpt_bigcode", "mpt", "falcon", "phi", "bloom", "starcoder2", "codegen"];

    // Families whose configs tie the output head to the embeddings when they do not say.
    private static readonly HashSet<string> TiedByDefault = ["gemma", "gemma2", "gemma3", "opt", "gpt2", "gpt_bigcode", "bloom", "falcon", "mpt", "starcoder2"];

    // Layers the step-time model has no terms for.
    private static readonly HashSet<string> Recurrent = ["mamba", "mamba2", "jamba", "zamba", "zamba2", "falcon_h1", "nemotron_h", "qwen3_next", "lfm2", "granitemoehybrid", "rwkv", "recurrent_gemma", "xlstm"];

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
        int hidden = c.Integer("hidden_size", "n_embd", "d_model");
        int heads = c.Integer("num_attention_heads", "n_head", "n_heads");
        int vocab = c.Integer("vocab_size", "padded_vocab_size");
        var shape = Attention(c, family, hidden, heads, notes);
        var moe = Experts(c, family, layers, notes);
        int ffn = DenseFfn(c, family, hidden, moe.ExpertFfn, notes);
        var window = SlidingWindow(c, family, layers, notes);
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

        string native = NativePrecision(c, notes);
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
        };
        return new ImportedModel(rowId, cells, notes);
    }

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);

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
        string? other = kinds.FirstOrDefault(k => k is not ("full_attention" or "sliding_attention" or "chunked_attention" or "attention"));
        if (Recurrent.Contains(family) || other is not null)
        {
            throw c.Problem(other is null ? "model_type" : "layer_types", $"{(other is null ? $"'{family}'" : $"a '{other}' layer")} is a state-space or linear-attention layer, which the step-time model has no terms for; only attention decoders (dense or mixture-of-experts) can be imported");
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

    private static (int Experts, int TopK, int Shared, int ExpertFfn, int DenseLayers) Experts(ConfigJson c, string family, int layers, List<string> notes)
    {
        int experts = c.OptionalInteger("num_local_experts", "n_routed_experts", "num_experts", "moe_num_experts") ?? 0;
        if (experts == 0)
        {
            return (0, 0, 0, 0, 0);
        }

        int topK = c.Integer("num_experts_per_tok", "experts_per_token", "moe_top_k", "num_selected_experts");
        int expertFfn = family == "llama4" ? c.Integer("intermediate_size") : c.OptionalInteger("moe_intermediate_size", "ffn_hidden_size") ?? c.Integer("intermediate_size");
        int shared = c.OptionalInteger("n_shared_experts", "num_shared_experts") ?? 0;
        if (c.OptionalInteger("shared_expert_intermediate_size") is > 0 and int sharedWidth)
        {
            // Qwen2-MoE names the shared expert's width, not a count: as many routed-expert widths as it spans.
            shared = (int)Math.Round(sharedWidth / (double)expertFfn);
            if (shared * expertFfn != sharedWidth)
            {
                notes.Add($"the shared expert's width {sharedWidth} is not a whole number of expert widths ({expertFfn}): counted as {shared}");
            }
        }
        else if (family == "llama4")
        {
            shared = 1;
            notes.Add("Llama 4 routes to one shared expert beside the routed ones (its config does not name it): counted");
        }

        int moeLayers = MoeLayers(c, family, layers);
        if (moeLayers < layers && c.OptionalInteger("first_k_dense_replace") is null)
        {
            notes.Add($"{layers - moeLayers} of {layers} layers have a dense MLP; counted as dense_layers (their order does not change step times)");
        }

        return (experts, topK, shared, expertFfn, layers - moeLayers);
    }

    /// <summary>How many layers route to experts: all but DeepSeek's first dense ones, Llama 4's interleave, Qwen's sparse step and MLP-only layers.</summary>
    private static int MoeLayers(ConfigJson c, string family, int layers)
    {
        if (c.OptionalInteger("first_k_dense_replace") is int dense)
        {
            return layers - Math.Min(dense, layers);
        }

        if (family == "llama4")
        {
            int count = c.Count("moe_layers");
            return count > 0 ? count : layers / Math.Max(1, c.OptionalInteger("interleave_moe_layer_step") ?? 1);
        }

        int step = Math.Max(1, c.OptionalInteger("decoder_sparse_step") ?? 1);
        int mlpOnly = c.Count("mlp_only_layers");
        int sparse = 0;
        for (int i = 0; i < layers; i++)
        {
            sparse += (i + 1) % step == 0 ? 1 : 0;
        }

        return Math.Max(0, sparse - mlpOnly);
    }

    private static int DenseFfn(ConfigJson c, string family, int hidden, int expertFfn, List<string> notes)
    {
        if (family == "llama4")
        {
            return c.OptionalInteger("intermediate_size_mlp") ?? c.Integer("intermediate_size");
        }

        if (c.OptionalInteger("intermediate_size", "ffn_dim", "n_inner", "ffn_hidden_size") is int ffn)
        {
            return ffn;
        }

        if (expertFfn > 0)
        {
            return expertFfn;
        }

        if (c.OptionalNumber("expansion_ratio") is double ratio)
        {
            return (int)Math.Round(ratio * hidden);
        }

        notes.Add($"no MLP width (intermediate_size) given: 4 x hidden = {4 * hidden} assumed, as GPT-2 and Falcon configs imply");
        return 4 * hidden;
    }

    private static (int Window, int FullLayers) SlidingWindow(ConfigJson c, string family, int layers, List<string> notes)
    {
        int window = c.OptionalInteger("sliding_window") ?? 0;
        IReadOnlyList<string> kinds = c.Strings("layer_types");
        if (kinds.Count > 0)
        {
            if (kinds.Count != layers)
            {
                throw c.Problem("layer_types", $"lists {kinds.Count} layers against num_hidden_layers {layers}");
            }

            int sliding = kinds.Count(k => k == "sliding_attention");
            if (kinds.Contains("chunked_attention"))
            {
                notes.Add("chunked-attention layers are timed as full attention (the catalog has no chunked window)");
            }

            if (sliding > 0 && window == 0)
            {
                throw c.Problem("sliding_window", "is missing, but layer_types lists sliding-attention layers; expected the window in tokens");
            }

            return sliding == 0 ? (0, 0) : (window, layers - sliding);
        }

        if (window == 0)
        {
            return (0, 0);
        }

        switch (family)
        {
            case "gemma2":
                return (window, layers / 2);   // local and global layers alternate, the local first
            case "gemma3":
                int pattern = c.OptionalInteger("sliding_window_pattern") ?? 6;
                return (window, layers / Math.Max(1, pattern));   // every pattern-th layer is global
            case "mistral":
                return (window, 0);
            case "qwen2" or "qwen3" or "qwen2_moe" or "qwen3_moe":
                return c.Flag("use_sliding_window", false) ? (window, Math.Min(layers, c.OptionalInteger("max_window_layers") ?? layers)) : (0, 0);
            default:
                notes.Add($"sliding_window {window} is not applied: '{family}' names no layers that use it (set sliding_window and full_attention_layers in the row if its engine honours it)");
                return (0, 0);
        }
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

    /// <summary>The checkpoint's own weight format (its <c>quantization_config</c>), empty for 16-bit weights.</summary>
    private static string NativePrecision(ConfigJson c, List<string> notes)
    {
        string? method = c.NestedText("quantization_config", "quant_method")?.ToLowerInvariant();
        if (method is null)
        {
            return string.Empty;
        }

        double? bits = c.NestedNumber("quantization_config", "bits") ?? c.NestedNumber("quantization_config", "w_bit");
        string? format = c.NestedText("quantization_config", "format")?.ToLowerInvariant();
        string precision = method switch
        {
            "fp8" or "fbgemm_fp8" => "fp8",
            "mxfp4" => "int4",
            "modelopt" => (c.NestedText("quantization_config", "quant_algo") ?? string.Empty).Contains("FP8", StringComparison.OrdinalIgnoreCase) ? "fp8" : "int4",
            "compressed-tensors" => format switch
            {
                "float-quantized" => "fp8",
                "int-quantized" or "naive-quantized" => "int8",
                _ when format?.Contains("pack") == true => "int4",
                _ => string.Empty,
            },
            _ => bits switch { 8 => "int8", 4 => "int4", _ => string.Empty },
        };
        notes.Add(precision.Length == 0
            ? $"quantization_config '{method}' is not one the importer reads: native_precision left empty (16-bit weights unless the deployment names its format)"
            : $"quantization_config '{method}': the checkpoint's weights are {precision} (native_precision), which a replay whose dtype is auto or unpublished takes");
        return precision;
    }
}
