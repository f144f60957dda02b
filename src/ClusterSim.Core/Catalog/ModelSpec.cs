namespace ClusterSim.Core.Catalog;

/// <summary>
/// One transformer's shape (dense or mixture-of-experts, GQA or MLA attention). Parameter counts are
/// computed from the shape, not typed in; the published counts are kept to check them.
/// </summary>
public sealed record ModelSpec
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public int Layers { get; init; }
    public int Hidden { get; init; }
    public int Heads { get; init; }
    public int KvHeads { get; init; }
    public int HeadDim { get; init; }

    /// <summary>Intermediate size of the dense MLP (and of dense layers in an MoE model).</summary>
    public int Ffn { get; init; }
    public int Vocab { get; init; }

    /// <summary>SwiGLU-style MLP with three matrices (true) or a plain two-matrix MLP.</summary>
    public bool GatedMlp { get; init; } = true;
    public bool TiedEmbeddings { get; init; }

    /// <summary>Learned absolute position embeddings (GPT-3), 0 for rotary.</summary>
    public int LearnedPositions { get; init; }

    /// <summary>Routed experts per MoE layer; 0 for a dense model.</summary>
    public int Experts { get; init; }
    public int TopK { get; init; }
    public int SharedExperts { get; init; }
    public int ExpertFfn { get; init; }

    /// <summary>Leading layers with a dense MLP in an MoE model.</summary>
    public int DenseLayers { get; init; }

    /// <summary>Multi-head latent attention: query low-rank size (0 = full query projection).</summary>
    public int QLoraRank { get; init; }

    /// <summary>Multi-head latent attention: compressed KV size; 0 means grouped-query attention.</summary>
    public int KvLoraRank { get; init; }
    public int RopeHeadDim { get; init; }
    public int VHeadDim { get; init; }
    public int MaxContext { get; init; }

    /// <summary>The window, in tokens, that the local (sliding-window) layers attend over; 0 when every layer attends the whole context.</summary>
    public int SlidingWindow { get; init; }

    /// <summary>Layers that attend the whole context when the others use <see cref="SlidingWindow"/> (Gemma's global layers); all of them otherwise.</summary>
    public int FullAttentionLayers { get; init; }

    /// <summary>Layers attending over <see cref="SlidingWindow"/> only.</summary>
    public int SlidingWindowLayers => SlidingWindow > 0 ? Layers - FullAttentionLayers : 0;

    /// <summary>The share of the layers that attend over <see cref="SlidingWindow"/> only (0 when every layer attends the whole context).</summary>
    public double SlidingWindowShare => SlidingWindowLayers / (double)Layers;

    /// <summary>
    /// Layers whose token mixer is a linear-attention or state-space recurrence (Gated DeltaNet, Mamba-2) in place of
    /// attention: they keep no KV cache, only a state of fixed size per sequence, and cost the same for every token
    /// whatever its context. The other layers attend (Qwen3-Next and Qwen3.5: every fourth).
    /// </summary>
    public int LinearLayers { get; init; }

    /// <summary>A linear layer's key heads (Gated DeltaNet's query and key heads; Mamba-2's groups).</summary>
    public int LinearKeyHeads { get; init; }

    /// <summary>Width of a linear layer's key heads (Gated DeltaNet's key dimension; Mamba-2's state size).</summary>
    public int LinearKeyDim { get; init; }

    /// <summary>A linear layer's value heads, each holding a key-dim × value-dim state (Mamba-2's heads).</summary>
    public int LinearValueHeads { get; init; }

    /// <summary>Width of a linear layer's value heads (Mamba-2's head dimension).</summary>
    public int LinearValueDim { get; init; }

    /// <summary>Width of the short causal convolution over a linear layer's queries, keys and values (0: none).</summary>
    public int LinearConvKernel { get; init; }

    /// <summary>Bytes of one element of the recurrent state as engines keep it (4: FP32, Qwen3.5's <c>mamba_ssm_dtype</c>; 2: BF16).</summary>
    public int LinearStateBytes { get; init; }

    /// <summary>Gated attention: the query projection also produces a sigmoid gate on the attention output (Qwen3-Next, Qwen3.5).</summary>
    public bool AttentionOutputGate { get; init; }

    /// <summary>
    /// Sparse attention (DeepSeek-V3.2, GLM-5: "DSA"): each query attends only the top-k tokens of its context a
    /// lightning indexer picks (<c>index_topk</c>, 2,048); 0 for attention over the whole context. The KV cache still holds
    /// every token, since any may be picked.
    /// </summary>
    public int SparseTopK { get; init; }

    /// <summary>The lightning indexer's heads (<c>index_n_heads</c>), which score every context token for each query.</summary>
    public int IndexerHeads { get; init; }

    /// <summary>Width of the indexer's heads and of the one key a token stores for it (<c>index_head_dim</c>).</summary>
    public int IndexerHeadDim { get; init; }

    /// <summary>Layers that run the indexer (GLM-5.2 shares one layer's picks with the next three); 0: every attending layer.</summary>
    public int IndexerLayers { get; init; }

    /// <summary>Layers that run the indexer and keep its keys: <see cref="IndexerLayers"/> where given, else every attending layer (0 without sparse attention).</summary>
    public int IndexerLayerCount => IndexerHeads == 0 ? 0 : IndexerLayers > 0 ? IndexerLayers : AttentionLayers;

    /// <summary>Bytes a token's indexer keys take over all layers: an FP8 key and its FP32 scale a layer, as vLLM's indexer cache keeps them.</summary>
    public double IndexerBytesPerToken => IndexerLayerCount * (IndexerHeadDim + 4.0);

    /// <summary>Indexer FLOPs a new token spends per token of its context (a score per head, all indexer layers).</summary>
    public double IndexerFlopsPerContextToken => 2.0 * IndexerHeads * IndexerHeadDim * IndexerLayerCount;

    /// <summary>Indexer parameters of one layer: its query projection from the query latent, its key projection and its head weights.</summary>
    public double IndexerParametersPerLayer => IndexerHeads == 0 ? 0
        : ((double)(QLoraRank > 0 ? QLoraRank : Hidden) * IndexerHeads * IndexerHeadDim) + ((double)Hidden * IndexerHeadDim) + ((double)Hidden * IndexerHeads);

    /// <summary>Layers that attend (and keep a KV cache): all but the <see cref="LinearLayers"/>.</summary>
    public int AttentionLayers => Layers - LinearLayers;

    /// <summary>True for a hybrid of attention and linear (recurrent) layers.</summary>
    public bool HasLinearLayers => LinearLayers > 0;

    /// <summary>Elements of one linear layer's recurrent state for one sequence: a key-dim × value-dim matrix per value head.</summary>
    public double LinearStateElements => (double)LinearValueHeads * LinearKeyDim * LinearValueDim;

    /// <summary>Channels the short convolution runs over: queries, keys (key heads each) and values (value heads each).</summary>
    public double LinearConvChannels => (2.0 * LinearKeyHeads * LinearKeyDim) + ((double)LinearValueHeads * LinearValueDim);

    /// <summary>
    /// Bytes one sequence's state takes in one linear layer: the recurrence at <see cref="LinearStateBytes"/> a value and
    /// the convolution's last kernel − 1 inputs at activation width (two bytes), as vLLM's Mamba cache holds them.
    /// </summary>
    public double LinearStateBytesPerLayer => LinearStateBytesPerLayerAt(LinearStateBytes);

    /// <summary>Bytes of one sequence's recurrent state over all linear layers.</summary>
    public double LinearStateBytesPerSequence => LinearLayers * LinearStateBytesPerLayer;

    /// <summary>
    /// <see cref="LinearStateBytesPerLayer"/> with the recurrence kept at <paramref name="stateBytes"/> a value, as an engine
    /// that overrides the config's dtype keeps it (the convolution's inputs stay at activation width).
    /// </summary>
    public double LinearStateBytesPerLayerAt(int stateBytes) =>
        (LinearStateElements * stateBytes) + (LinearConvKernel > 1 ? (LinearConvKernel - 1) * LinearConvChannels * 2.0 : 0);

    /// <summary>
    /// Token-mixer parameters of one linear layer: the input projection to queries, keys, values and the output gate,
    /// a decay and a step size per value head, the convolution, and the output projection.
    /// </summary>
    public double LinearMixerParametersPerLayer =>
        ((double)Hidden * (LinearConvChannels + ((double)LinearValueHeads * LinearValueDim) + (2.0 * LinearValueHeads)))
        + (LinearConvChannels * LinearConvKernel)
        + ((double)LinearValueHeads * LinearValueDim * Hidden);

    /// <summary>
    /// FLOPs a token spends per element of a linear layer's state: decaying it, reading it against the key, the rank-one
    /// update and reading the output against the query — about 5 for Mamba-2 and 7 for Gated DeltaNet, taken as 6.
    /// </summary>
    public const double RecurrenceFlopsPerStateElement = 6;

    /// <summary>Recurrence FLOPs of one token over all linear layers (their projections are GEMMs, counted with the weights).</summary>
    public double LinearFlopsPerToken => RecurrenceFlopsPerStateElement * LinearStateElements * LinearLayers;
    public double PublishedTotalParameters { get; init; }
    public double PublishedActiveParameters { get; init; }
    public required string Source { get; init; }

    /// <summary>The weight format the model was released in (FP8 for DeepSeek-V3, 4-bit for gpt-oss); null for 16-bit.</summary>
    public Precision? NativePrecision { get; init; }

    /// <summary>Other names for this model (Hugging Face ids), so measured runs and traces can name it as they do.</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>True for a mixture-of-experts model.</summary>
    public bool IsMoE => Experts > 0;

    /// <summary>True for multi-head latent attention.</summary>
    public bool IsMla => KvLoraRank > 0;

    /// <summary>Width of one head's value vector.</summary>
    public int ValueDim => IsMla ? VHeadDim : HeadDim;

    /// <summary>Attention projection parameters of one layer.</summary>
    public double AttentionParametersPerLayer
    {
        get
        {
            double d = Hidden;
            if (!IsMla)
            {
                double gate = AttentionOutputGate ? d * Heads * HeadDim : 0;
                return (d * Heads * HeadDim) + (2 * d * KvHeads * HeadDim) + (Heads * HeadDim * d) + gate;
            }

            double qkDim = HeadDim + RopeHeadDim;
            double query = QLoraRank > 0 ? (d * QLoraRank) + (QLoraRank * Heads * qkDim) : d * Heads * qkDim;
            double kv = (d * (KvLoraRank + RopeHeadDim)) + (KvLoraRank * Heads * (HeadDim + VHeadDim));
            return query + kv + (Heads * VHeadDim * d);
        }
    }

    /// <summary>Token-mixer parameters of all layers: attention projections, and the linear layers' own.</summary>
    public double MixerParameters => (LinearLayers == 0
        ? Layers * AttentionParametersPerLayer
        : (AttentionLayers * AttentionParametersPerLayer) + (LinearLayers * LinearMixerParametersPerLayer))
        + (IndexerHeads == 0 ? 0 : IndexerLayerCount * IndexerParametersPerLayer);

    /// <summary>Parameters of one dense MLP.</summary>
    public double DenseMlpParameters => (GatedMlp ? 3.0 : 2.0) * Hidden * Ffn;

    /// <summary>Parameters of one expert.</summary>
    public double ExpertParameters => (GatedMlp ? 3.0 : 2.0) * Hidden * ExpertFfn;

    /// <summary>
    /// MLPs (dense or experts) the model has where they are blocks of their own rather than one to a layer: Nemotron-H
    /// alternates mixer blocks (Mamba-2, attention) with MLP blocks, so its <see cref="Layers"/> count the mixers and
    /// this the MLPs; 0 (the usual) for one MLP in every layer.
    /// </summary>
    public int MlpLayers { get; init; }

    /// <summary>The MLPs the model has: <see cref="MlpLayers"/> where given, else one a layer.</summary>
    public int LayersWithMlp => MlpLayers > 0 ? MlpLayers : Layers;

    /// <summary>Layers whose MLP is a mixture of experts.</summary>
    public int MoELayers => IsMoE ? LayersWithMlp - DenseLayers : 0;

    /// <summary>Input embedding plus output head (once when tied) plus learned positions.</summary>
    public double EmbeddingParameters => ((TiedEmbeddings ? 1.0 : 2.0) * Vocab * Hidden) + ((double)LearnedPositions * Hidden);

    /// <summary>All parameters, computed from the shape (norms and biases, under 0.1 %, are left out).</summary>
    public double TotalParameters =>
        MixerParameters
        + ((LayersWithMlp - MoELayers) * DenseMlpParameters)
        + (MoELayers * (((Experts + SharedExperts) * ExpertParameters) + ((double)Hidden * Experts)))
        + EmbeddingParameters;

    /// <summary>Parameters one token passes through (top-k plus shared experts in MoE layers).</summary>
    public double ActiveParameters =>
        MixerParameters
        + ((LayersWithMlp - MoELayers) * DenseMlpParameters)
        + (MoELayers * (((TopK + SharedExperts) * ExpertParameters) + ((double)Hidden * Experts)))
        + EmbeddingParameters;

    /// <summary>Parameters of all routed experts together (the part MoE routing decides whether to read).</summary>
    public double RoutedExpertParameters => (double)MoELayers * Experts * ExpertParameters;

    /// <summary>Matrix-multiply FLOPs of one token's forward pass, without attention scores (the input embedding is a lookup).</summary>
    public double ForwardFlopsPerToken => 2 * (ActiveParameters - ((double)Vocab * Hidden * (TiedEmbeddings ? 0 : 1)) - ((double)LearnedPositions * Hidden));

    /// <summary>Attention-score FLOPs of one token per token of context it attends to (QKᵀ and AV, all layers).</summary>
    public double AttentionFlopsPerContextToken => 2.0 * AttentionLayers * Heads * (HeadDim + RopeHeadDim + ValueDim);

    /// <summary>KV-cache elements one token stores over all layers.</summary>
    public double KvElementsPerToken => (double)AttentionLayers * (IsMla ? KvLoraRank + RopeHeadDim : 2.0 * KvHeads * HeadDim);

    /// <summary>KV-cache bytes one token stores at the given precision.</summary>
    public double KvBytesPerToken(Precision precision) => (KvElementsPerToken * precision.BytesPerElement()) + IndexerBytesPerToken;
}
