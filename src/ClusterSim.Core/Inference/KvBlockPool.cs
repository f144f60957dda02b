using System.Diagnostics;
using ClusterSim.Core.Engine;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Inference;

/// <summary>
/// A replica's paged KV cache: blocks free and in use, and — with prefix caching — the cached blocks sequences share
/// (reference-counted; unused ones count as free space until an allocation needs them) and the host tier evicted ones go
/// to. It does the block accounting for admission, growth and release; the replica decides when.
/// </summary>
public sealed class KvBlockPool
{
    private readonly RequestTable _requests;
    private readonly int _blockTokens;
    private readonly double _hostSecondsPerBlock;
    private int[]?[] _heldSlots = new int[]?[256];   // per request id: the cache slots it pinned and added, in block order
    private readonly Stack<int[]> _spareSlotLists = new();
    private readonly ServingDeployment _deployment;
    private readonly bool _holdsBlocks;

    /// <summary>Builds the pool for a deployment and its scheduler's caching options.</summary>
    public KvBlockPool(ServingDeployment deployment, SchedulerOptions scheduler, RequestTable requests)
    {
        _requests = requests;
        _deployment = deployment;
        _holdsBlocks = deployment.Model.SlidingWindowLayers > 0 || deployment.Model.HasLinearLayers;
        _blockTokens = deployment.KvBlockTokens;
        Total = deployment.KvBlocks;
        Free = Total;
        // A hybrid's recurrent state is not in the KV blocks a prefix hit would reuse, so no prefix can be skipped: vLLM
        // did not cache hybrid models' prefixes (vllm-project/vllm#25874), and its later opt-in mode is reported to find
        // no hits (#51198, #51250). Every prompt of such a model is prefilled whole.
        if (scheduler.PrefixCaching && !deployment.Model.HasLinearLayers)
        {
            HostKvTier? host = HostTier(deployment, scheduler);
            Cache = new PrefixCache(host);
            if (host is not null)
            {
                // Each accelerator copies its share of a block over its own host link.
                _hostSecondsPerBlock = deployment.KvBlockBytes / (deployment.Accelerator.HostLinkGBps!.Value * 1e9 * deployment.Accelerators);
            }
        }
    }

    /// <summary>Blocks in all.</summary>
    public int Total { get; }

    /// <summary>Blocks no sequence uses (cached-but-unused ones included: they can be evicted).</summary>
    public int Free { get; private set; }

    /// <summary>Free blocks that hold nothing worth keeping.</summary>
    public int TrulyFree => Free - (Cache?.Evictable ?? 0);

    /// <summary>The prefix cache; null when prefix caching is off.</summary>
    public PrefixCache? Cache { get; }

    /// <summary>Blocks request <paramref name="id"/> holds whole while it runs: its sliding-window layers' KV or its linear layers' state (0 without either).</summary>
    public int HeldBlocks(int id) => _holdsBlocks ? _deployment.HeldBlocks(_requests.Prompt(id) + _requests.Output(id)) : 0;

    /// <summary>Blocks that <paramref name="tokens"/> tokens occupy.</summary>
    public int BlocksFor(int tokens) => (tokens + _blockTokens - 1) / _blockTokens;

    /// <summary>
    /// What admitting request <paramref name="id"/> would take: its own blocks (the whole sequence when
    /// <paramref name="reserveWhole"/>, as static batching does), plus cached blocks it would pin; a sampled sibling's shared prompt or the cached leading blocks are
    /// neither prefilled nor allocated, and blocks found next in host memory are allocated and copied back.
    /// </summary>
    public KvAdmission Plan(int id, bool reserveWhole)
    {
        if (Cache is null)
        {
            return Walk(id, reserveWhole);
        }

        // A request kept at the head of the queue is planned again every iteration; while neither it nor the cache's
        // contents changed, the walk over its prompt's blocks would find the same, so the last plan stands.
        var key = new PlanKey(id, _requests.Identity(id), _requests.Prompt(id), _requests.Delivered(id), _requests.Output(id), _requests.SharedPrefix(id), reserveWhole, Cache.Version, Cache.Host?.Version ?? 0);
        if (key != _plannedFor)
        {
            _plan = Walk(id, reserveWhole);
            _plannedFor = key;
        }

        return _plan;
    }

    /// <summary>Checks that the plan kept for <paramref name="id"/> is what a fresh walk over the cache finds now.</summary>
    public void AssertPlanCurrent(int id, bool reserveWhole)
    {
        KvAdmission kept = Plan(id, reserveWhole), fresh = Walk(id, reserveWhole);
        Invariant.Check(kept == fresh, $"the admission plan kept for request {id} ({kept}) differs from a fresh walk ({fresh})");
    }

    private readonly record struct PlanKey(int Id, Workload.PromptIdentity Identity, int Prompt, int Delivered, int Output, int Shared, bool Whole, long CacheVersion, long HostVersion);

    private PlanKey _plannedFor = new(-1, default, 0, 0, 0, 0, false, -1, -1);
    private KvAdmission _plan;

    private KvAdmission Walk(int id, bool reserveWhole)
    {
        int shared = _requests.SharedPrefix(id);
        int hit = 0, pin = 0, loaded = 0;
        if (Cache is not null && shared == 0)
        {
            // The longest run of leading blocks already cached; the prompt's last token is always computed.
            Workload.PromptIdentity identity = _requests.Identity(id);
            int most = (_requests.Prompt(id) - 1) / _blockTokens;
            while (hit < most)
            {
                long key = identity.BlockKey(hit, (hit + 1) * _blockTokens);
                if (key == long.MinValue || !Cache.TryFind(key, out bool evictable))
                {
                    break;
                }

                pin += evictable ? 1 : 0;
                hit++;
            }

            shared = hit * _blockTokens;
            if (Cache.Host is { } host && _requests.Transferred(id) == 0)   // a hand-off's uncached blocks came over the link
            {
                while (hit + loaded < most && host.Contains(identity.BlockKey(hit + loaded, (hit + loaded + 1) * _blockTokens)))
                {
                    loaded++;
                }
            }
        }

        int own = reserveWhole
            ? BlocksFor(_requests.Prompt(id) + _requests.Output(id) - shared)
            : BlocksFor(_requests.Prompt(id) + _requests.Delivered(id) - shared);
        int held = HeldBlocks(id);
        return new KvAdmission(own + pin + held, shared, hit, pin, loaded, held);
    }

    /// <summary>Admits request <paramref name="id"/> as planned: pins its hit, takes its blocks; returns the seconds its host blocks take to copy back.</summary>
    public double Admit(int id, in KvAdmission plan)
    {
        if (Cache is not null)
        {
            Workload.PromptIdentity identity = _requests.Identity(id);
            int[] held = HoldSlots(id, _requests.Prompt(id) / _blockTokens);
            for (int b = 0; b < plan.Hit; b++)
            {
                held[b] = Cache.Pin(identity.BlockKey(b, (b + 1) * _blockTokens));
            }

            _requests.SetCacheBlocks(id, plan.Hit, 0);
        }

        Take(plan.Need);
        return plan.Loaded * _hostSecondsPerBlock;
    }

    /// <summary>Allocates <paramref name="blocks"/> blocks (evicting unused cached ones if the truly free run out).</summary>
    public void Take(int blocks)
    {
        Free -= blocks;
        EvictToFit();
        Debug.Assert(Free >= 0, "KV blocks never go negative");
    }

    /// <summary>
    /// Evicts now what taking <paramref name="pending"/> more blocks will evict (the least recently used cached blocks
    /// that space needs), without taking them: a view of the cache as of a moment inside a macro-step whose growth is
    /// committed later. Taking the blocks then evicts only the rest, so the same blocks go in the same order.
    /// </summary>
    public void EvictAhead(int pending)
    {
        if (Cache is not null && Cache.Evictable > Free - pending)
        {
            Cache.Evict(Cache.Evictable - Math.Max(0, Free - pending));
        }
    }

    /// <summary>
    /// A sequence finished its prompt: its full prompt blocks after the hit enter the cache (while nobody else cached
    /// them first), so later prompts with the same start can use them — even while this one still runs.
    /// </summary>
    public void PromptComputed(int id)
    {
        if (Cache is null)
        {
            return;
        }

        Workload.PromptIdentity identity = _requests.Identity(id);
        int hit = _requests.CacheHitBlocks(id);
        int full = _requests.Prompt(id) / _blockTokens;
        int owned = 0;
        int[] held = _heldSlots[id]!;   // every running sequence was admitted through Admit, which gave it a list
        for (int b = hit; b < full; b++)
        {
            long key = identity.BlockKey(b, (b + 1) * _blockTokens);
            if (key == long.MinValue || !Cache.TryAdd(key, out held[b]))
            {
                break;
            }

            owned++;
        }

        _requests.SetCacheBlocks(id, hit, owned);
    }

    /// <summary>
    /// A sequence holding <paramref name="ownBlocks"/> blocks leaves (finished or preempted). It stops using its cached
    /// blocks: a hit block nobody uses any more is free again (evictable); a block it entered that others still use
    /// stays allocated, now the cache's. A finished conversation turn leaves its answer's blocks cached for the next.
    /// </summary>
    public void Release(int id, int ownBlocks, bool finished)
    {
        if (Cache is not null)
        {
            ReleaseCached(id, finished);
        }

        Free += ownBlocks + HeldBlocks(id);
        EvictToFit();
        Debug.Assert(Free >= 0 && Free <= Total, "KV blocks stay within capacity");
    }

    /// <summary>
    /// Checks the block books against the blocks the running sequences own: without a cache every used block is a
    /// sequence's; with one, the used blocks lie between the sequences' own and those plus the cache's pinned ones, and
    /// evictable cached blocks are free space. Throws <see cref="InvalidOperationException"/> on the first broken one.
    /// </summary>
    public void AssertInvariants(long ownBlocks)
    {
        Invariant.Check(Free >= 0 && Free <= Total, $"{Free} of {Total} KV blocks free");
        long used = Total - Free;
        if (Cache is null)
        {
            Invariant.Check(used == ownBlocks, $"{used} KV blocks in use, but the running sequences own {ownBlocks}");
            return;
        }

        int pinned = Cache.Count - Cache.Evictable;
        Invariant.Check(Cache.Evictable >= 0 && Cache.Evictable <= Free, $"{Cache.Evictable} evictable cached blocks with {Free} free");
        Invariant.Check(used >= ownBlocks && used <= ownBlocks + pinned, $"{used} KV blocks in use; the sequences own {ownBlocks} and the cache pins {pinned}");
    }

    /// <summary>Leading blocks of a prompt this pool's cache holds (0 without a cache).</summary>
    public int CachedPrefixBlocks(in Workload.PromptIdentity prompt, int promptTokens)
    {
        int hit = 0;
        if (Cache is not null)
        {
            int most = (promptTokens - 1) / _blockTokens;
            while (hit < most && Cache.Contains(prompt.BlockKey(hit, (hit + 1) * _blockTokens)))
            {
                hit++;
            }
        }

        return hit;
    }

    private void ReleaseCached(int id, bool finished)
    {
        Workload.PromptIdentity identity = _requests.Identity(id);
        int hit = _requests.CacheHitBlocks(id), owned = _requests.CacheOwnedBlocks(id);
        if (finished && identity.Conversation)
        {
            // The next turn's prompt starts with this whole turn: its answer's full blocks stay cached (unused, so
            // free space that holds them), after the prompt blocks already entered.
            int full = (_requests.Prompt(id) + _requests.Output(id)) / _blockTokens;
            for (int b = hit + owned; b < full; b++)
            {
                long key = identity.BlockKey(b, (b + 1) * _blockTokens);
                if (!Cache!.TryAdd(key, out int slot))
                {
                    break;
                }

                Cache.UnpinAt(slot);
            }
        }

        // Unpinned by the slots pinning and adding gave, not looked up again.
        int[] held = _heldSlots[id]!;
        for (int b = 0; b < hit; b++)
        {
            Free += Cache!.UnpinAt(held[b]) ? 1 : 0;
        }

        for (int b = hit; b < hit + owned; b++)
        {
            Free -= Cache!.UnpinAt(held[b]) ? 0 : 1;
        }

        _requests.SetCacheBlocks(id, 0, 0);
        _spareSlotLists.Push(held);
        _heldSlots[id] = null;
    }

    /// <summary>
    /// A list for the cache slots request <paramref name="id"/> will pin and add (up to <paramref name="blocks"/>), kept
    /// until its release: a spare one when long enough, so lists are allocated only while the longest prompt grows.
    /// </summary>
    private int[] HoldSlots(int id, int blocks)
    {
        if (id >= _heldSlots.Length)
        {
            Array.Resize(ref _heldSlots, Math.Max(id + 1, _heldSlots.Length * 2));
        }

        Debug.Assert(_heldSlots[id] is null, "a request is admitted again only after its release");
        int[] list = _spareSlotLists.Count > 0 ? _spareSlotLists.Pop() : new int[64];
        if (list.Length < blocks)
        {
            list = new int[Math.Max(blocks, list.Length * 2)];
        }

        _heldSlots[id] = list;
        return list;
    }

    /// <summary>Evictable cached blocks are free space; when the truly free ones run out, the oldest are forgotten.</summary>
    private void EvictToFit() => EvictAhead(0);

    /// <summary>The host tier for the scheduler's KV offload, sized in this deployment's blocks; null without offload.</summary>
    private static HostKvTier? HostTier(ServingDeployment deployment, SchedulerOptions scheduler)
    {
        if (scheduler.HostKvBytes <= 0)
        {
            return null;
        }

        if (deployment.Accelerator.HostLinkGBps is not > 0)
        {
            throw new ArgumentException($"{deployment.Accelerator.Id} has no host link bandwidth in the catalog (host_link_gb_s), which KV offload needs");
        }

        return new HostKvTier((int)Math.Min(int.MaxValue, scheduler.HostKvBytes / deployment.KvBlockBytes));
    }
}
