namespace ClusterSim.Core.Catalog;

/// <summary>Model shapes by id (case-insensitive), loaded from CSV with each row's source.</summary>
public sealed class ModelCatalog : CatalogTable<ModelSpec>
{
    private ModelCatalog(Dictionary<string, ModelSpec> items)
        : base(items, "model", spec => spec.Aliases)
    {
    }

    /// <summary>An empty catalog.</summary>
    public static ModelCatalog Empty => new(NoItems());

    /// <summary>A catalog holding this one's rows, replaced or extended by the rows of <paramref name="table"/>.</summary>
    public ModelCatalog With(CsvTable table)
    {
        var items = CopyItems();
        foreach (var (line, cells) in table.Rows)
        {
            var row = new CsvRowReader(table, line, cells);
            var spec = new ModelSpec
            {
                Id = row.Text("id"),
                Name = row.Text("name"),
                Layers = row.Integer("layers", min: 1),
                Hidden = row.Integer("hidden", min: 1),
                Heads = row.Integer("heads", min: 1),
                KvHeads = row.Integer("kv_heads", min: 1),
                HeadDim = row.Integer("head_dim", min: 1),
                Ffn = row.Integer("ffn", min: 1),
                Vocab = row.Integer("vocab", min: 1),
                GatedMlp = row.Flag("gated_mlp", true),
                TiedEmbeddings = row.Flag("tied_embeddings"),
                LearnedPositions = row.Integer("learned_positions", 0),
                Experts = row.Integer("experts", 0),
                TopK = row.Integer("top_k", 0),
                SharedExperts = row.Integer("shared_experts", 0),
                ExpertFfn = row.Integer("expert_ffn", 0),
                DenseLayers = row.Integer("dense_layers", 0),
                QLoraRank = row.Integer("q_lora_rank", 0),
                KvLoraRank = row.Integer("kv_lora_rank", 0),
                RopeHeadDim = row.Integer("rope_head_dim", 0),
                VHeadDim = row.Integer("v_head_dim", 0),
                MaxContext = row.Integer("max_context", 4096, 1),
                SlidingWindow = row.Integer("sliding_window", 0),
                FullAttentionLayers = row.Integer("full_attention_layers", 0),
                LinearLayers = row.Integer("linear_layers", 0),
                LinearKeyHeads = row.Integer("linear_key_heads", 0),
                LinearKeyDim = row.Integer("linear_key_dim", 0),
                LinearValueHeads = row.Integer("linear_value_heads", 0),
                LinearValueDim = row.Integer("linear_value_dim", 0),
                LinearConvKernel = row.Integer("linear_conv_kernel", 0),
                LinearStateBytes = row.Integer("linear_state_bytes", 0),
                AttentionOutputGate = row.Flag("attention_output_gate"),
                MlpLayers = row.Integer("mlp_layers", 0),
                SparseTopK = row.Integer("sparse_top_k", 0),
                IndexerHeads = row.Integer("indexer_heads", 0),
                IndexerHeadDim = row.Integer("indexer_head_dim", 0),
                IndexerLayers = row.Integer("indexer_layers", 0),
                PublishedTotalParameters = row.Number("published_total", 0),
                PublishedActiveParameters = row.Number("published_active", 0),
                Aliases = CsvRowReader.List(row.Text("aliases", required: false)),
                NativePrecision = row.Text("native_precision", required: false) switch
                {
                    "" => null,
                    string text when Enum.TryParse(text, ignoreCase: true, out Precision p) && Enum.IsDefined(p) => p,
                    string text => throw new CatalogException(table.Source, row.Line, "native_precision", $"'{text}' is not one of bf16, fp8, int8, int4"),
                },
                Source = row.Text("source"),
            };

            if (spec.Heads % spec.KvHeads != 0)
            {
                throw new CatalogException(table.Source, row.Line, "kv_heads", $"{spec.KvHeads} does not divide heads {spec.Heads}");
            }

            if (spec.SlidingWindow > 0 && spec.FullAttentionLayers >= spec.Layers)
            {
                throw new CatalogException(table.Source, row.Line, "full_attention_layers", $"{spec.FullAttentionLayers} leaves none of the {spec.Layers} layers to the {spec.SlidingWindow}-token sliding window; give fewer, or sliding_window 0");
            }

            CheckLinearLayers(table, row.Line, spec);
            CheckSparseAttention(table, row.Line, spec);
            if (spec.DenseLayers > spec.LayersWithMlp)
            {
                throw new CatalogException(table.Source, row.Line, "dense_layers", $"{spec.DenseLayers} is more than the {spec.LayersWithMlp} layers with an MLP{(spec.MlpLayers > 0 ? " (mlp_layers)" : string.Empty)}");
            }

            if (spec.Experts > 0 && (spec.TopK < 1 || spec.TopK > spec.Experts || spec.ExpertFfn < 1))
            {
                throw new CatalogException(table.Source, row.Line, "top_k", "an MoE model needs 1 <= top_k <= experts and a positive expert_ffn");
            }

            items[spec.Id] = spec;
        }

        return new ModelCatalog(items);
    }

    /// <summary>Sparse attention needs its indexer's shape, and no sliding window beside it.</summary>
    private static void CheckSparseAttention(CsvTable table, int line, ModelSpec spec)
    {
        if (spec.SparseTopK == 0)
        {
            if (spec.IndexerHeads + spec.IndexerHeadDim + spec.IndexerLayers > 0)
            {
                throw new CatalogException(table.Source, line, "sparse_top_k", "is 0, but the row gives an indexer; give the tokens each query attends (index_topk), or leave the indexer_* columns empty");
            }

            return;
        }

        if (spec.IndexerHeads < 1 || spec.IndexerHeadDim < 1)
        {
            throw new CatalogException(table.Source, line, spec.IndexerHeads < 1 ? "indexer_heads" : "indexer_head_dim", $"is required for sparse attention (sparse_top_k {spec.SparseTopK}); expected a positive whole number");
        }

        if (spec.IndexerLayers > spec.AttentionLayers)
        {
            throw new CatalogException(table.Source, line, "indexer_layers", $"{spec.IndexerLayers} is more than the {spec.AttentionLayers} attending layers");
        }

        if (spec.SlidingWindow > 0)
        {
            throw new CatalogException(table.Source, line, "sliding_window", "a model with sparse attention and a sliding window too is not modelled; give one or the other");
        }
    }

    /// <summary>A hybrid's linear layers need their state's shape, and leave at least one layer attending (the cache is sized in KV blocks).</summary>
    private static void CheckLinearLayers(CsvTable table, int line, ModelSpec spec)
    {
        if (spec.LinearLayers == 0)
        {
            if (spec.LinearKeyHeads + spec.LinearKeyDim + spec.LinearValueHeads + spec.LinearValueDim + spec.LinearConvKernel + spec.LinearStateBytes > 0)
            {
                throw new CatalogException(table.Source, line, "linear_layers", "is 0, but the row gives a linear layer's shape; give the number of linear-attention layers, or leave the linear_* columns empty");
            }

            return;
        }

        if (spec.LinearLayers >= spec.Layers)
        {
            throw new CatalogException(table.Source, line, "linear_layers", $"{spec.LinearLayers} leaves none of the {spec.Layers} layers attending; a model without attention layers (a pure state-space model) is not modelled, since the cache is sized in KV blocks");
        }

        if (spec.SlidingWindow > 0)
        {
            throw new CatalogException(table.Source, line, "sliding_window", "a model with linear layers and a sliding window too is not modelled; give one or the other");
        }

        foreach (var (column, value) in new[]
        {
            ("linear_key_heads", spec.LinearKeyHeads), ("linear_key_dim", spec.LinearKeyDim), ("linear_value_heads", spec.LinearValueHeads),
            ("linear_value_dim", spec.LinearValueDim), ("linear_state_bytes", spec.LinearStateBytes),
        })
        {
            if (value < 1)
            {
                throw new CatalogException(table.Source, line, column, $"is required for a model with linear_layers {spec.LinearLayers}; expected a positive whole number");
            }
        }

        if (spec.LinearStateBytes is not (1 or 2 or 4))
        {
            throw new CatalogException(table.Source, line, "linear_state_bytes", $"{spec.LinearStateBytes} is not a state element's size; expected 4 (FP32), 2 (BF16) or 1 (FP8)");
        }
    }
}
