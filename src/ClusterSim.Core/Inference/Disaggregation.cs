using System.Globalization;
using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Inference;

/// <summary>
/// Prefill/decode disaggregation (Splitwise, DistServe): the first <see cref="PrefillReplicas"/> replicas only
/// prefill prompts and emit the first token; the KV cache then crosses a link to a decode replica, which
/// produces the rest.
/// </summary>
/// <remarks>
/// Conditional disaggregation (Dynamo's disaggregated router): the decode replica is chosen first, and a request whose
/// prompt that replica's prefix cache leaves at most <see cref="MaxLocalPrefillTokens"/> tokens to compute — or any
/// request while <see cref="MaxPrefillQueue"/> or more already wait at the prefill replicas — is prefilled there instead,
/// with no hand-off. TensorRT-LLM's disaggregated server (<c>conditional_disagg_config</c>) also sends a prompt of which
/// the decode replica holds nothing to a prefill replica however short: <see cref="LocalNeedsCacheHit"/>.
/// </remarks>
public sealed record Disaggregation(int PrefillReplicas, double KvLinkGBps, double TransferLatencySeconds = 20e-6)
{
    /// <summary>Prompts with at most this many tokens to compute are prefilled on their decode replica (0: none are).</summary>
    public int MaxLocalPrefillTokens { get; init; }

    /// <summary>A request is prefilled remotely only while fewer than this many wait at the prefill replicas; null: whatever the queue.</summary>
    public int? MaxPrefillQueue { get; init; }

    /// <summary>
    /// A prompt of which the decode replica's prefix cache holds nothing counts as too long to prefill there, however short
    /// (TensorRT-LLM's rule: its disaggregated server prefills locally only on a cache hit); with <see cref="MaxLocalPrefillTokens"/>.
    /// </summary>
    public bool LocalNeedsCacheHit { get; init; }

    /// <summary>Some requests may be prefilled on their decode replica: the decode replica is then chosen at dispatch.</summary>
    public bool IsConditional => MaxLocalPrefillTokens > 0 || MaxPrefillQueue is not null;

    /// <summary>
    /// Whether a request of <paramref name="promptTokens"/> tokens with <paramref name="uncachedTokens"/> of them left to
    /// compute on its decode replica goes to a prefill replica, when <paramref name="prefillQueue"/> requests already wait there.
    /// </summary>
    public bool PrefillsRemotely(int promptTokens, int uncachedTokens, int prefillQueue) =>
        (uncachedTokens > MaxLocalPrefillTokens || (LocalNeedsCacheHit && uncachedTokens >= promptTokens))
        && (MaxPrefillQueue is not int cap || prefillQueue < cap);

    /// <summary>Seconds to move <paramref name="tokens"/> tokens of KV cache of <paramref name="bytesPerToken"/> bytes each.</summary>
    public double TransferSeconds(int tokens, double bytesPerToken) => TransferLatencySeconds + (tokens * bytesPerToken / (KvLinkGBps * 1e9));

    /// <summary>
    /// The link a request's KV cache crosses when none is named, GB/s, and a sentence saying how it was chosen: each of the
    /// smaller of the two replicas' accelerators sends its slice over its own link — the scale-up link when both pools are
    /// one accelerator type within one scale-up domain (an NVL72, one HGX node), else the slower of the two scale-out links.
    /// Throws, naming the accelerator, when the catalog gives no scale-out bandwidth that is needed.
    /// </summary>
    public static (double GBps, string Said) DefaultLink(ServingDeployment prefill, int prefillReplicas, ServingDeployment decode, int decodeReplicas)
    {
        int accelerators = (prefillReplicas * prefill.Accelerators) + (decodeReplicas * decode.Accelerators);
        AcceleratorSpec chip = prefill.Accelerator;
        bool oneDomain = chip.Id == decode.Accelerator.Id && chip.ScaleUpDomain is int domain && accelerators <= domain && chip.ScaleUpGBps is > 0;
        double perAccelerator;
        if (oneDomain)
        {
            perAccelerator = chip.ScaleUpGBps!.Value;
        }
        else
        {
            AcceleratorSpec? unknown = new[] { chip, decode.Accelerator }.FirstOrDefault(a => a.ScaleOutGBps is null);
            perAccelerator = unknown is null ? Math.Min(chip.ScaleOutGBps!.Value, decode.Accelerator.ScaleOutGBps!.Value)
                : throw new ArgumentException($"{unknown.Id} has no scale-out bandwidth in the catalog (scale_out_gb_s), which the KV cache crosses between the pools; give kv_link_gb_s in GB/s");
        }

        int senders = Math.Min(prefill.TensorParallel, decode.TensorParallel);
        double link = perAccelerator * senders;
        return (link, string.Create(CultureInfo.InvariantCulture,
            $"the KV cache crosses {link:0} GB/s: {senders} accelerators' {(oneDomain ? "scale-up" : "scale-out")} links of {perAccelerator:0} GB/s ({accelerators} accelerators {(oneDomain ? "in one" : "beyond one")} scale-up domain; kv_link_gb_s not given)"));
    }

    /// <summary>Throws unless both pools have a replica and the link is real.</summary>
    public Disaggregation Validated(int totalReplicas) =>
        PrefillReplicas < 1 || PrefillReplicas >= totalReplicas || !(KvLinkGBps > 0) || !(TransferLatencySeconds >= 0)
            ? throw new ArgumentException($"disaggregation needs 1 ≤ prefill_replicas < replicas ({PrefillReplicas} of {totalReplicas}) and a positive kv_link_gb_s")
        : MaxLocalPrefillTokens < 0 || MaxPrefillQueue < 1
            ? throw new ArgumentException($"disaggregation's max_local_prefill must be ≥ 0 tokens and max_prefill_queue ≥ 1 request (got {MaxLocalPrefillTokens} and {MaxPrefillQueue})")
        : LocalNeedsCacheHit && MaxLocalPrefillTokens == 0
            ? throw new ArgumentException("disaggregation's local_needs_cache_hit qualifies max_local_prefill, which is 0: give max_local_prefill too")
        : this;
}
