using ClusterSim.Core.Economics;

namespace ClusterSim.Experiments.Capacity;

/// <summary>
/// The fleet one replica shape needs for a measured demand: each step of the trace served by the replicas its rate
/// needs at the replica's capacity under the SLO, less the headroom kept spare (at least one replica). No cold starts
/// and no scaling ahead: a cluster experiment simulates those. What it takes to own the peak fleet against renting as
/// the demand goes, per million output tokens.
/// </summary>
public sealed record FleetForDemand(int PeakAccelerators, double MeanAccelerators, double AcceleratorHours, double Tokens, double SpanHours)
{
    /// <summary>Sizes the fleet of replicas of <paramref name="acceleratorsPerReplica"/> accelerators serving <paramref name="replicaTokensPerSecond"/> each at the SLO.</summary>
    public static FleetForDemand Size(DemandProfile demand, double replicaTokensPerSecond, int acceleratorsPerReplica, double headroom)
    {
        if (!(replicaTokensPerSecond > 0) || acceleratorsPerReplica < 1 || headroom is < 0 or >= 1)
        {
            throw new ArgumentException("a fleet needs a replica that serves tokens, at least one accelerator a replica and headroom in [0, 1)");
        }

        double usable = replicaTokensPerSecond * (1 - headroom);
        long peak = 0;
        double acceleratorSeconds = 0, tokens = 0;
        for (int i = 0; i < demand.Steps; i++)
        {
            (_, double seconds, double rate) = demand.Step(i);
            long replicas = Math.Max(1, (long)Math.Ceiling(rate / usable));
            peak = Math.Max(peak, replicas);
            acceleratorSeconds += replicas * acceleratorsPerReplica * seconds;
            tokens += rate * seconds;
        }

        return new FleetForDemand(
            (int)Math.Min(int.MaxValue, peak * acceleratorsPerReplica), acceleratorSeconds / demand.SpanSeconds, acceleratorSeconds / 3600, tokens, demand.SpanSeconds / 3600);
    }

    /// <summary>USD per million output tokens renting accelerators as the fleet needs them.</summary>
    public double RentedUsdPerMillion(double pricePerHour) => pricePerHour * AcceleratorHours / Tokens * 1e6;

    /// <summary>USD per million output tokens owning (or reserving) the peak fleet the whole time.</summary>
    public double OwnedUsdPerMillion(double pricePerHour) => pricePerHour * PeakAccelerators * SpanHours / Tokens * 1e6;
}
