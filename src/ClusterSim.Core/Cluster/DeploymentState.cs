using ClusterSim.Core.Economics;
using ClusterSim.Core.Engine;

namespace ClusterSim.Core.Cluster;

/// <summary>A serving deployment's replicas on a shared cluster, per placement: those serving and those still loading.</summary>
internal sealed class DeploymentState
{
    /// <param name="spec">The deployment.</param>
    /// <param name="pools">Each placement's pool (a disaggregated one's prefill part).</param>
    /// <param name="decodePools">Each placement's decode pool, −1 where it is not disaggregated.</param>
    /// <param name="unitPricePerHour">What one replica (a disaggregated unit: both parts) of each placement costs an hour.</param>
    public DeploymentState(ClusterDeployment spec, int[] pools, int[] decodePools, double[] unitPricePerHour)
    {
        Spec = spec;
        Pools = pools;
        DecodePools = decodePools;
        Ready = new int[pools.Length];
        Loading = new List<(EventHandle Handle, int Count)>[pools.Length];
        for (int p = 0; p < pools.Length; p++)
        {
            Loading[p] = [];
        }

        Active = [.. Enumerable.Range(0, pools.Length).Select(_ => new List<int>())];

        // Cheapest per token first: replicas go there before anywhere dearer.
        Order = [.. Enumerable.Range(0, pools.Length).OrderBy(p => unitPricePerHour[p] / spec.Placements[p].ReplicaTokensPerSecond).ThenBy(p => p)];
    }

    public ClusterDeployment Spec { get; }

    /// <summary>The request-level fleet on the cluster's clock, or null when the deployment is served at the capacity level.</summary>
    public Inference.ServingCluster? Serving { get; init; }

    /// <summary>Request level: each placement's serving replicas by their index in <see cref="Serving"/>.</summary>
    public List<int>[] Active { get; private init; } = [];

    /// <summary>Request level: replicas finishing what they hold before their accelerators go back, with their placement.</summary>
    public List<(int Index, int Placement)> Draining { get; } = [];

    /// <summary>Request level: the serving metrics' counters at the last row of the time series (completed, dropped, within the SLO).</summary>
    public (long Completed, long Dropped, long MeetingSlo) LastCounts { get; set; }

    /// <summary>Pool index of each placement (a disaggregated one's prefill part).</summary>
    public int[] Pools { get; }

    /// <summary>Pool index of each placement's decode part; −1 where the placement is not disaggregated.</summary>
    public int[] DecodePools { get; }

    /// <summary>Accelerators of <paramref name="pool"/> one replica (a disaggregated unit) of <paramref name="placement"/> holds.</summary>
    public int UnitAcceleratorsOn(int placement, int pool) =>
        (Pools[placement] == pool ? Spec.Placements[placement].AcceleratorsPerReplica : 0)
        + (DecodePools[placement] == pool ? Spec.Placements[placement].Decode!.Accelerators : 0);

    /// <summary>Whether any placement holds accelerators of <paramref name="pool"/>.</summary>
    public bool Touches(int pool) => Array.IndexOf(Pools, pool) >= 0 || Array.IndexOf(DecodePools, pool) >= 0;

    /// <summary>Accelerators of <paramref name="pool"/> held on every placement, loading, serving or draining.</summary>
    public int AcceleratorsOn(int pool)
    {
        int held = 0;
        for (int p = 0; p < Pools.Length; p++)
        {
            held += (Replicas(p) + DrainingCount(p)) * UnitAcceleratorsOn(p, pool);
        }

        return held;
    }

    /// <summary>Placement indices, cheapest per token first.</summary>
    public int[] Order { get; }

    /// <summary>Serving replicas per placement.</summary>
    public int[] Ready { get; }

    /// <summary>Replicas per placement still in their cold start, by the event that makes them ready.</summary>
    public List<(EventHandle Handle, int Count)>[] Loading { get; }

    public double DemandTokens { get; set; }
    public double ServedTokens { get; set; }
    public double IntervalDemand { get; set; }
    public double IntervalServed { get; set; }
    public double ReplicaSeconds { get; set; }
    public int PeakAccelerators { get; set; }

    public int LoadingCount(int placement)
    {
        int count = 0;
        foreach ((_, int n) in Loading[placement])
        {
            count += n;
        }

        return count;
    }

    public int Replicas(int placement) => Ready[placement] + LoadingCount(placement);

    public int Accelerators(int placement) => (Replicas(placement) + DrainingCount(placement)) * Spec.Placements[placement].UnitAccelerators;

    /// <summary>Request level: replicas of a placement still draining.</summary>
    public int DrainingCount(int placement)
    {
        int count = 0;
        foreach ((_, int p) in Draining)
        {
            count += p == placement ? 1 : 0;
        }

        return count;
    }

    /// <summary>Output tokens per second the serving replicas hold at the SLO.</summary>
    public double Capacity
    {
        get
        {
            double capacity = 0;
            for (int p = 0; p < Ready.Length; p++)
            {
                capacity += Ready[p] * Spec.Placements[p].ReplicaTokensPerSecond;
            }

            return capacity;
        }
    }

    /// <summary>Accelerators held on every placement, loading or serving.</summary>
    public int AllAccelerators
    {
        get
        {
            int held = 0;
            for (int p = 0; p < Pools.Length; p++)
            {
                held += Accelerators(p);
            }

            return held;
        }
    }

    /// <summary>Demand, output tokens per second, at <paramref name="seconds"/> after the cluster starts (0 before launch).</summary>
    public double DemandAt(double seconds) => seconds < Spec.LaunchSeconds ? 0 : Spec.Demand.TokensPerSecond((seconds - Spec.LaunchSeconds) / 86_400);

    /// <summary>
    /// The demand to size the interval from <paramref name="from"/> to <paramref name="to"/> (seconds after the cluster
    /// starts) for (<see cref="DemandCurve.PeakTokensPerSecond"/> over its part from launch on; 0 before launch).
    /// </summary>
    public double PeakDemand(double from, double to) => to < Spec.LaunchSeconds ? 0
        : Spec.Demand.PeakTokensPerSecond(Math.Max(0, from - Spec.LaunchSeconds) / 86_400, (to - Spec.LaunchSeconds) / 86_400);

    /// <summary>
    /// The demand booked over <paramref name="from"/> to <paramref name="to"/>, in which the cluster did not change: the
    /// formula's at <paramref name="middle"/>, a measured profile's mean over the span (its steps may change inside it).
    /// </summary>
    public double BookedDemand(double from, double to, double middle)
    {
        double launch = Spec.LaunchSeconds;
        if (Spec.Demand.Profile is null || !(to > from))
        {
            return DemandAt(middle);
        }

        return to <= launch ? 0 : Spec.Demand.TokensBetween(Math.Max(0, from - launch) / 86_400, (to - launch) / 86_400) / (to - from);
    }
}
