namespace ClusterSim.Core.Inference;

/// <summary>
/// Prefill/decode disaggregation (Splitwise, DistServe): the first <see cref="PrefillReplicas"/> replicas only
/// prefill prompts and emit the first token; the KV cache then crosses a link to a decode replica, which
/// produces the rest.
/// </summary>
public sealed record Disaggregation(int PrefillReplicas, double KvLinkGBps, double TransferLatencySeconds = 20e-6)
{
    /// <summary>Seconds to move <paramref name="tokens"/> tokens of KV cache of <paramref name="bytesPerToken"/> bytes each.</summary>
    public double TransferSeconds(int tokens, double bytesPerToken) => TransferLatencySeconds + (tokens * bytesPerToken / (KvLinkGBps * 1e9));

    /// <summary>Throws unless both pools have a replica and the link is real.</summary>
    public Disaggregation Validated(int totalReplicas) =>
        PrefillReplicas >= 1 && PrefillReplicas < totalReplicas && KvLinkGBps > 0 && TransferLatencySeconds >= 0 ? this
        : throw new ArgumentException($"disaggregation needs 1 ≤ prefill_replicas < replicas ({PrefillReplicas} of {totalReplicas}) and a positive kv_link_gb_s");
}
