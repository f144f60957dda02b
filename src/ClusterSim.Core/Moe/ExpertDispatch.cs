namespace ClusterSim.Core.Moe;

/// <summary>How tokens reach the experts of an expert-parallel replica and their outputs come back.</summary>
public enum ExpertDispatch
{
    /// <summary>
    /// Each token's hidden state is sent to the ranks holding its experts and the results sent back: two all-to-alls per
    /// MoE layer (attention data-parallel across the ranks; DeepEP-style dispatch and combine).
    /// </summary>
    AllToAll,

    /// <summary>
    /// Every rank holds every token after the tensor-parallel attention, runs its own experts on the tokens routed to them,
    /// and the layer's all-reduce sums the results: no all-to-all (SGLang's <c>--ep-size</c> and TensorRT-LLM's
    /// <c>ep_size</c> without attention data parallelism).
    /// </summary>
    AllReduce,
}
