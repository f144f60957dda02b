namespace ClusterSim.Core.Inference;

/// <summary>
/// What an elastic fleet's owner adds at once (<see cref="ServingCluster.AddReplica"/>, by this placement's index): a
/// replica of group <see cref="Group"/>, or — with <see cref="Split"/> — a prefill/decode unit of
/// <see cref="Disaggregation.PrefillReplicas"/> replicas of <see cref="Group"/> and <see cref="DecodeReplicas"/> of
/// <see cref="DecodeGroup"/>, whose prefill replicas hand their KV caches to this placement's decode replicas over the
/// split's link. Units and single replicas may serve side by side: a request prefilled on a unit decodes on a unit of its
/// placement, one routed to a single replica is served there whole.
/// </summary>
public sealed record FleetPlacement(int Group, Disaggregation? Split = null, int DecodeGroup = -1, int DecodeReplicas = 0)
{
    /// <summary>Whether the placement adds prefill/decode units.</summary>
    public bool IsUnit => Split is not null;

    /// <summary>Throws unless the groups exist among <paramref name="groups"/> and a unit has replicas on both sides and a real link.</summary>
    public FleetPlacement Validated(int groups)
    {
        if (Group < 0 || Group >= groups)
        {
            throw new ArgumentException($"a fleet placement names replica group {Group}; the scenario has {groups}");
        }

        if (Split is null)
        {
            return DecodeGroup == -1 && DecodeReplicas == 0 ? this
                : throw new ArgumentException("a fleet placement without a split has no decode replicas");
        }

        if (DecodeGroup < 0 || DecodeGroup >= groups || DecodeReplicas < 1)
        {
            throw new ArgumentException(
                $"a prefill/decode unit needs at least one prefill and one decode replica (got {Split.PrefillReplicas} and {DecodeReplicas}) and its decode group among the scenario's {groups} (got {DecodeGroup})");
        }

        Split.Validated(Split.PrefillReplicas + DecodeReplicas);
        return this;
    }
}
