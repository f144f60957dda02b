namespace ClusterSim.Core.Inference;

/// <summary>The part of a request a replica serves: all of it, or one side of prefill/decode disaggregation.</summary>
public enum RequestStage : byte
{
    /// <summary>Prefill and decode on one replica.</summary>
    Whole,

    /// <summary>On a prefill replica: the prompt and the first token, then the KV cache moves.</summary>
    Prefill,

    /// <summary>On a decode replica, after the KV cache arrived: the remaining tokens.</summary>
    Decode,
}
