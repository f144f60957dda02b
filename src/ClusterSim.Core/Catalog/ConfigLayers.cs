namespace ClusterSim.Core.Catalog;

/// <summary>
/// How a Hugging Face config lays out its layers: which route to experts (and how many, how wide, how many shared), how
/// wide the dense MLPs are, and which attend through a sliding window — each family's own spelling of it.
/// </summary>
internal static class ConfigLayers
{
    /// <summary>The routed experts, how many a token takes, the shared ones, their width and the layers without them.</summary>
    /// <remarks><paramref name="moeBlocks"/>: the expert blocks a block pattern names (Nemotron-H), when it names them.</remarks>
    public static (int Experts, int TopK, int Shared, int ExpertFfn, int DenseLayers) Experts(ConfigJson c, string family, int layers, List<string> notes, int? moeBlocks = null)
    {
        int experts = c.OptionalInteger("num_local_experts", "n_routed_experts", "num_experts", "moe_num_experts") ?? 0;
        if (experts == 0)
        {
            return (0, 0, 0, 0, 0);
        }

        int topK = c.Integer("num_experts_per_tok", "experts_per_token", "moe_top_k", "num_selected_experts");
        int expertFfn = family == "llama4" ? c.Integer("intermediate_size") : c.OptionalInteger("moe_intermediate_size", "ffn_hidden_size") ?? c.Integer("intermediate_size");
        int shared = c.OptionalInteger("n_shared_experts", "num_shared_experts") ?? 0;
        if (c.OptionalInteger("shared_expert_intermediate_size", "moe_shared_expert_intermediate_size", "shared_intermediate_size") is > 0 and int sharedWidth)
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

        int moeLayers = moeBlocks ?? MoeLayers(c, family, layers);
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

        // Qwen's rule: layer i routes when (i + 1) is a multiple of the sparse step and it is not one of the MLP-only layers.
        int step = Math.Max(1, c.OptionalInteger("decoder_sparse_step") ?? 1);
        IReadOnlySet<int> mlpOnly = c.Integers("mlp_only_layers");
        return Enumerable.Range(0, layers).Count(i => (i + 1) % step == 0 && !mlpOnly.Contains(i));
    }

    /// <summary>The dense MLP's width (the expert width where a config gives no other, 4 × hidden as GPT-2's imply).</summary>
    public static int DenseFfn(ConfigJson c, string family, int hidden, int expertFfn, List<string> notes)
    {
        if (family == "llama4")
        {
            return c.OptionalInteger("intermediate_size_mlp") ?? c.Integer("intermediate_size");
        }

        if (c.OptionalInteger("intermediate_size", "ffn_dim", "n_inner", "ffn_hidden_size") is int ffn)
        {
            if (family == "qwen")
            {
                // Qwen's first release (Qwen-7B to 72B) counts both SwiGLU input projections in intermediate_size; each is half.
                notes.Add($"Qwen (first release) gives intermediate_size {ffn} for its two SwiGLU input projections together: each is {ffn / 2} wide");
                return ffn / 2;
            }

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

    /// <summary>
    /// A hybrid's recurrent layers and their state's shape (all 0 for an attention-only model). Gated DeltaNet (Qwen3-Next,
    /// Qwen3.5): the layers <c>layer_types</c> names <c>linear_attention</c>, or all but every <c>full_attention_interval</c>-th,
    /// the state in <c>mamba_ssm_dtype</c> (Qwen3.5's float32). Mamba-2: Nemotron-H's <paramref name="nemotronMamba"/> blocks
    /// of its pattern, Granite 4.0's <c>layer_types</c> "mamba". A state without a dtype is kept in the model's 16 bits, as
    /// vLLM keeps it then.
    /// </summary>
    public static LinearShape Linear(ConfigJson c, string family, int layers, List<string> notes, int nemotronMamba = 0) => family switch
    {
        HuggingFaceModel.NemotronH => Mamba2(c, nemotronMamba, Mamba2Fields.NemotronH, notes),
        HuggingFaceModel.GraniteHybrid => Mamba2(c, c.Strings("layer_types").Count(k => k == "mamba"), Mamba2Fields.Granite, notes),
        _ when HuggingFaceModel.GatedDeltaNet.Contains(family) => GatedDeltaNet(c, layers, notes),
        _ => default,
    };

    private static LinearShape GatedDeltaNet(ConfigJson c, int layers, List<string> notes)
    {
        IReadOnlyList<string> kinds = c.Strings("layer_types");
        int linear;
        if (kinds.Count > 0)
        {
            linear = kinds.Count(k => k == "linear_attention");
        }
        else
        {
            int interval = c.OptionalInteger("full_attention_interval") ?? 4;
            if (interval < 1)
            {
                throw c.Problem("full_attention_interval", $"is {interval}; expected a positive number of layers");
            }

            if (c.Find("full_attention_interval") is null)
            {
                notes.Add("neither layer_types nor full_attention_interval given: every fourth layer attends, the rest are Gated DeltaNet, as Qwen3-Next configs default");
            }

            linear = layers - Enumerable.Range(0, layers).Count(i => (i + 1) % interval == 0);
        }

        if (linear == 0)
        {
            return default;
        }

        if (linear >= layers)
        {
            throw c.Problem(kinds.Count > 0 ? "layer_types" : "full_attention_interval", $"leaves none of the {layers} layers attending; a model without attention layers is not modelled");
        }

        int conv = OrDefault(c, "linear_conv_kernel_dim", 4, "Qwen3-Next", notes);
        int stateBytes = StateBytes(c, "mamba_ssm_dtype", "Gated DeltaNet", notes);
        return new(linear, c.Integer("linear_num_key_heads"), c.Integer("linear_key_head_dim"), c.Integer("linear_num_value_heads"), c.Integer("linear_value_head_dim"), conv, stateBytes);
    }

    /// <summary>
    /// Mamba-2 layers in the linear layers' terms: its groups are the key heads and its state size their width, its heads
    /// the value heads of head_dim each (a head's state is state size × head dim, as a Gated DeltaNet head's is key × value).
    /// </summary>
    private static LinearShape Mamba2(ConfigJson c, int layers, Mamba2Fields fields, List<string> notes)
    {
        if (layers == 0)
        {
            return default;
        }

        int conv = OrDefault(c, fields.ConvKernel, 4, fields.Family, notes);
        int groups = OrDefault(c, fields.Groups, fields.DefaultGroups, fields.Family, notes);
        int stateBytes = StateBytes(c, "mamba_ssm_cache_dtype", "Mamba-2", notes);
        return new(layers, groups, c.Integer(fields.StateSize), c.Integer(fields.Heads), c.Integer(fields.HeadDim), conv, stateBytes);
    }

    /// <summary>A whole number the config may leave out, <paramref name="fallback"/> then, with a note that says so.</summary>
    private static int OrDefault(ConfigJson c, string field, int fallback, string family, List<string> notes)
    {
        if (c.OptionalInteger(field) is int value)
        {
            return value;
        }

        notes.Add($"{field} not given: {fallback}, as {family} configs default");
        return fallback;
    }

    /// <summary>A recurrent state's bytes an element from the config's dtype field, else 16 bits (the model's dtype, as vLLM keeps it then).</summary>
    private static int StateBytes(ConfigJson c, string field, string kind, List<string> notes)
    {
        string? dtype = c.Text(field);
        int bytes = dtype switch
        {
            "float32" => 4,
            "bfloat16" or "float16" => 2,
            null => 2,
            _ => throw c.Problem(field, $"'{dtype}' is not a state dtype the catalog knows; expected float32, bfloat16 or float16"),
        };
        if (dtype is null)
        {
            notes.Add($"{field} not given: the {kind} state is kept in 16 bits, as vLLM keeps it in the model's dtype");
        }

        return bytes;
    }

    /// <summary>
    /// Nemotron-H's blocks from <c>hybrid_override_pattern</c>, one character a block: M a Mamba-2 mixer, * attention,
    /// - a dense MLP, E a mixture of experts; its length must be num_hidden_layers.
    /// </summary>
    public static (int Mamba, int Attention, int Dense, int Moe) NemotronBlocks(ConfigJson c, int declared)
    {
        string pattern = c.Text("hybrid_override_pattern") ?? throw c.Problem("hybrid_override_pattern", "is missing; expected the blocks' pattern (M, *, - and E, one a block)");
        int bad = pattern.IndexOfAny([.. pattern.Where(ch => ch is not ('M' or '*' or '-' or 'E')).Take(1)]);
        if (bad >= 0)
        {
            throw c.Problem("hybrid_override_pattern", $"has '{pattern[bad]}' at block {bad}; expected M (Mamba-2), * (attention), - (MLP) or E (experts)");
        }

        if (pattern.Length != declared)
        {
            throw c.Problem("hybrid_override_pattern", $"lists {pattern.Length} blocks against num_hidden_layers {declared}");
        }

        var blocks = (pattern.Count(ch => ch == 'M'), pattern.Count(ch => ch == '*'), pattern.Count(ch => ch == '-'), pattern.Count(ch => ch == 'E'));
        if (blocks.Item2 == 0)
        {
            throw c.Problem("hybrid_override_pattern", "has no attention block (*); a model without attention layers is not modelled");
        }

        return blocks;
    }

    /// <summary>
    /// Sparse attention (DeepSeek-V3.2's and GLM-5's "DSA"): the tokens each query attends (<c>index_topk</c>), the lightning
    /// indexer's heads and width, and — where <c>indexer_types</c> shares one layer's picks with the next (GLM-5.2) — the
    /// layers that run it (0: every attending layer). All 0 for a model without it.
    /// </summary>
    public static (int TopK, int Heads, int HeadDim, int Layers) SparseAttention(ConfigJson c, List<string> notes)
    {
        int topK = c.OptionalInteger("index_topk") ?? 0;
        if (topK == 0)
        {
            return default;
        }

        IReadOnlyList<string> indexers = c.Strings("indexer_types");
        int layers = indexers.Count > 0 ? indexers.Count(t => t == "full") : 0;
        if (indexers.Count > 0)
        {
            notes.Add($"indexer_types: {layers} of {indexers.Count} layers run the sparse-attention indexer, the others reuse its picks");
        }

        return (topK, c.Integer("index_n_heads"), c.Integer("index_head_dim"), layers);
    }

    /// <summary>The sliding window and how many layers attend the full context (both 0 without a window).</summary>
    public static (int Window, int FullLayers) SlidingWindow(ConfigJson c, string family, int layers, List<string> notes)
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
}
