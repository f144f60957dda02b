namespace ClusterSim.Core.Inference;

/// <summary>How a replica forms batches.</summary>
public enum SchedulerKind
{
    /// <summary>vLLM-style continuous batching: FCFS admission; an iteration runs whole prompts (prefill first) or decodes.</summary>
    Continuous,

    /// <summary>Sarathi-style chunked prefill: decodes plus prompt chunks share a per-iteration token budget.</summary>
    ChunkedPrefill,

    /// <summary>Static batching: a batch is admitted only when the previous one has fully finished.</summary>
    Static,

    /// <summary>
    /// vLLM V1 with chunked prefill off: decodes plus whole prompts, each only when it fits the token budget the decodes
    /// leave (a prompt that does not fit lets the ones behind it go first).
    /// </summary>
    WholePrompts,

    /// <summary>
    /// SGLang's default: prompts first, in chunks filling the chunked-prefill budget; the running sequences decode only
    /// in iterations no prompt waits for (prefill and decode never share an iteration).
    /// </summary>
    PrefillFirst,
}
