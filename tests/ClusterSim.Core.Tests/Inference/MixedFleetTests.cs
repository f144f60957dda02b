using ClusterSim.Core.Catalog;
using ClusterSim.Core.Engine;
using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.Workload;
using ClusterSim.Core.Performance;
using ClusterSim.Core.Tests.Engine;

namespace ClusterSim.Core.Tests.Inference;

/// <summary>
/// An elastic fleet whose placements differ: single replicas serving whole beside prefill/decode units, and units of two
/// placements with links of their own. A request is split where it is routed, and a unit's hand-off decodes on a decode
/// replica of its own placement, after its own link.
/// </summary>
public class MixedFleetTests : IEventHandler, IServingObserver
{
    private const int Prompt = 2000;
    private const int Output = 200;
    private ServingCluster? _fleet;
    private readonly Dictionary<long, int> _handedOffBy = [];
    private readonly Dictionary<long, (int Replica, double Seconds)> _finishedOn = [];

    private static ReplicaGroup Shape(string hardware) => new(
        SimCatalog.Default.Deployment("llama-3.1-8b", hardware, weights: Precision.FP8),
        new SchedulerOptions { Kind = SchedulerKind.ChunkedPrefill, MaxSequences = 128, MaxBatchedTokens = 4096 },
        Count: 0);

    private ServingScenario Fleet(double rate, ReplicaGroup[] groups, FleetPlacement[] placements) => new()
    {
        Replicas = groups,
        Placements = placements,
        Elastic = true,
        Workload = s => RequestSource.Open(ArrivalProcess.Poisson(rate), TokenLengths.Fixed(Prompt), TokenLengths.Fixed(Output), s),
        MaxRequests = int.MaxValue,
        HorizonSeconds = 60,
        Observer = this,
        Seed = 3,
    };

    void IEventHandler.OnEvent(Simulator simulator, in SimEvent e) => _fleet!.AddReplica(e.Kind);

    void IServingObserver.OnIterations(int replica, long start, long end, int iterations, int sequences)
    {
    }

    void IServingObserver.OnRequest(int replica, long arrival, long firstToken, long end, int prompt, int output) =>
        _finishedOn.Add(arrival, (replica, SimTime.ToSeconds(end - arrival)));

    void IServingObserver.OnHandOff(int replica, long arrival, long firstToken, long end, int prompt, int output) =>
        _handedOffBy.Add(arrival, replica);

    /// <summary>Runs <paramref name="scenario"/>, adding one of each placement at time 0 in order, every book checked after every event.</summary>
    private ServingResult Run(ServingScenario scenario)
    {
        var simulator = new Simulator();
        _fleet = new ServingCluster(scenario, simulator);
        simulator.Trace = new CheckEveryEvent(_fleet.AssertInvariants);
        _fleet.Start();
        for (int p = 0; p < scenario.Placements.Count; p++)
        {
            simulator.ScheduleAt(0, this, p);
        }

        simulator.Run();
        return _fleet.Finish();
    }

    [Fact]
    public void A_single_replica_serves_whole_beside_a_unit_whose_requests_hand_off_to_its_decode_replica()
    {
        // Replica 0 is placement 0's (H100, whole requests); replicas 1 and 2 are placement 1's unit (H100 prefill, H200 decode).
        ServingResult result = Run(Fleet(4, [Shape("H100-SXM"), Shape("H100-SXM"), Shape("H200")],
            [new FleetPlacement(0), new FleetPlacement(1, new Disaggregation(1, 50), 2, 1)]));

        Assert.True(result.Conserved);
        Assert.Equal(result.Metrics.Completed, _finishedOn.Count);
        Assert.Equal(result.Metrics.Completed * Output, result.Metrics.OutputTokens);
        Assert.All(_handedOffBy.Values, replica => Assert.Equal(1, replica));   // only the unit's prefill replica hands off
        Assert.All(_handedOffBy.Keys, arrival => Assert.Equal(2, _finishedOn[arrival].Replica));   // and its requests decode on the unit's decode replica
        int whole = _finishedOn.Values.Count(f => f.Replica == 0);
        Assert.Equal(result.Metrics.Completed, whole + _handedOffBy.Count);   // every other request was served whole on replica 0
        Assert.True(whole > 50 && _handedOffBy.Count > 50, $"{whole} served whole, {_handedOffBy.Count} handed off");
        Assert.Null(result.PoolUtilisation);   // replica 0 is in neither pool
    }

    [Fact]
    public void Each_units_hand_offs_decode_in_its_own_placement_after_its_own_link()
    {
        // Two placements of units, the same shapes, the second's link a hundredth of the first's: a 2,000-token KV cache of
        // Llama 3.1 8B (128 KiB a token in BF16, 262 MB) crosses 50 GB/s in 5 ms and 0.5 GB/s in 0.52 s.
        ReplicaGroup h100 = Shape("H100-SXM");
        ServingResult result = Run(Fleet(2, [h100, h100, h100, h100],
            [new FleetPlacement(0, new Disaggregation(1, 50), 1, 1), new FleetPlacement(2, new Disaggregation(1, 0.5), 3, 1)]));

        Assert.True(result.Conserved);
        Assert.Equal(result.Metrics.Completed, _handedOffBy.Count);   // every request has more than one output token
        // Replicas 0 and 1 are the first unit, 2 and 3 the second.
        var pairs = _handedOffBy.Select(h => (h.Value, _finishedOn[h.Key].Replica)).ToHashSet();
        Assert.Equal([(0, 1), (2, 3)], pairs.Order());
        double fast = _handedOffBy.Where(h => h.Value == 0).Average(h => _finishedOn[h.Key].Seconds);
        double slow = _handedOffBy.Where(h => h.Value == 2).Average(h => _finishedOn[h.Key].Seconds);
        double bytes = Prompt * h100.Deployment.Model.KvBytesPerToken(h100.Deployment.KvCache);
        double extra = (bytes / 0.5e9) - (bytes / 50e9);
        Assert.InRange(slow - fast, 0.8 * extra, 1.2 * extra);
    }
}
