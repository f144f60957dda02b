using ClusterSim.Core.Inference.Routing;
using ClusterSim.Core.Inference.Workload;

namespace ClusterSim.Core.Inference;

/// <summary>
/// How an elastic fleet's router sees one prefill replica of a member (<see cref="ServingUnits"/>): its own queue, KV
/// cache and prefix cache, and as its load its own requests plus its share of what the member holds beyond its prefill
/// replicas — requests decoding or prefilled whole on its decode replicas, and hand-offs crossing its link — split evenly
/// over the member's prefill replicas. A single replica is seen as itself; a unit's prefill replica is not seen as idle
/// while the unit's decode replicas are full (a conditional unit prefills short prompts there, past its prefill replica).
/// </summary>
internal sealed class UnitEntry(ServingUnits units, int unit, Replica replica) : IReplicaLoad
{
    /// <summary>The prefill replica a request routed here is enqueued on (or, under a conditional unit, weighed for).</summary>
    public Replica Replica { get; } = replica;

    /// <inheritdoc />
    public int Outstanding => Replica.Outstanding + (units.BeyondPrefill(unit) / units.PrefillOf(unit).Count);

    /// <inheritdoc />
    public int Waiting => Replica.Waiting;

    /// <inheritdoc />
    public int FreeBlocks => Replica.FreeBlocks;

    /// <inheritdoc />
    public int TotalBlocks => Replica.TotalBlocks;

    /// <inheritdoc />
    public int CachedPrefixBlocks(in PromptIdentity prompt, int promptTokens) => Replica.CachedPrefixBlocks(prompt, promptTokens);
}
