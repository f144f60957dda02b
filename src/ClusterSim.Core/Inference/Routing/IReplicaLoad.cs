using ClusterSim.Core.Inference.Workload;

namespace ClusterSim.Core.Inference.Routing;

/// <summary>What a router may know of a replica: its load, its free KV cache, and what its prefix cache holds.</summary>
public interface IReplicaLoad
{
    /// <summary>Requests routed here and not finished.</summary>
    int Outstanding { get; }

    /// <summary>Requests queued, not yet running.</summary>
    int Waiting { get; }

    /// <summary>KV blocks free (cached-but-unused ones included).</summary>
    int FreeBlocks { get; }

    /// <summary>KV blocks in all.</summary>
    int TotalBlocks { get; }

    /// <summary>Leading blocks of a prompt of <paramref name="promptTokens"/> tokens that this replica's prefix cache holds (0 without a cache).</summary>
    int CachedPrefixBlocks(in PromptIdentity prompt, int promptTokens);
}
