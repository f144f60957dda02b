namespace ClusterSim.Core.Inference;

/// <summary>How a replica admits sequences against its KV blocks (continuous and chunked-prefill batching).</summary>
public enum KvAdmissionPolicy
{
    /// <summary>
    /// vLLM's: a sequence is admitted when the blocks it holds now fit, takes another block as it outgrows its last, and
    /// the newest sequence is preempted (its KV recomputed later) when the blocks run out.
    /// </summary>
    Grow,

    /// <summary>
    /// TensorRT-LLM's default (GUARANTEED_NO_EVICT): a sequence is admitted only when the blocks for its whole prompt and
    /// output fit, reserved at once, so no sequence is ever preempted; fewer run at a time.
    /// </summary>
    Reserve,
}
