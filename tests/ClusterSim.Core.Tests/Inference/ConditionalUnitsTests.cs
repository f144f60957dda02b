using ClusterSim.Core.Catalog;
using ClusterSim.Core.Engine;
using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.Workload;
using ClusterSim.Core.Performance;
using ClusterSim.Core.Tests.Engine;

namespace ClusterSim.Core.Tests.Inference;

/// <summary>
/// An elastic fleet's prefill/decode units under conditional disaggregation: the router picks a unit (through its prefill
/// replica), the unit's placement picks the decode replica, and a short prompt, or any while its placement's prefill
/// queue is long, is prefilled there; a hand-off bound to its decode replica keeps that replica's unit held until it lands.
/// </summary>
public class ConditionalUnitsTests : IEventHandler, IServingObserver
{
    private ServingCluster? _fleet;
    private readonly Dictionary<long, (int Replica, int Prompt)> _handedOffBy = [];
    private readonly Dictionary<long, (int Replica, int Prompt, double Seconds)> _servedOn = [];
    private readonly List<(long Time, int Outstanding)> _afterDrain = [];
    private int _drained = -1;
    private int _boundWhenDrained = -1;

    private static SchedulerOptions Chunked(bool caching = false) =>
        new() { Kind = SchedulerKind.ChunkedPrefill, MaxSequences = 128, MaxBatchedTokens = 4096, PrefixCaching = caching };

    private static ReplicaGroup Shape(string hardware, bool caching = false) =>
        new(SimCatalog.Default.Deployment("llama-3.1-8b", hardware, weights: Precision.FP8), Chunked(caching), Count: 0);

    /// <summary>Poisson arrivals of retrieval-style prompts (mean 1,500 tokens, median 900) onto an elastic fleet of <paramref name="placements"/>.</summary>
    private ServingScenario Fleet(double rate, double seconds, ReplicaGroup[] groups, params FleetPlacement[] placements) => new()
    {
        Replicas = groups,
        Placements = placements,
        Elastic = true,
        Workload = s => RequestSource.Open(ArrivalProcess.Poisson(rate), TokenLengths.LogNormalFromMeanMedian(1500, 900, 8000), TokenLengths.LogNormalFromMeanMedian(200, 150, 1000), s),
        MaxRequests = int.MaxValue,
        HorizonSeconds = seconds,
        Observer = this,
        Seed = 5,
    };

    void IEventHandler.OnEvent(Simulator simulator, in SimEvent e)
    {
        if (e.Kind >= 0)
        {
            _fleet!.AddReplica(e.Kind);
            return;
        }

        _drained = (int)e.Argument;
        _boundWhenDrained = _fleet!.Replicas[1].Incoming + _fleet.Replicas[2].Incoming;   // unit 0's decode replicas
        _fleet.Drain(_drained);
    }

    void IServingObserver.OnIterations(int replica, long start, long end, int iterations, int sequences)
    {
    }

    void IServingObserver.OnRequest(int replica, long arrival, long firstToken, long end, int prompt, int output) =>
        _servedOn.Add(arrival, (replica, prompt, SimTime.ToSeconds(end - arrival)));

    void IServingObserver.OnHandOff(int replica, long arrival, long firstToken, long end, int prompt, int output) =>
        _handedOffBy.Add(arrival, (replica, prompt));

    /// <summary>Runs <paramref name="scenario"/> with the owner's moves (a placement's index to add one, −1 to drain the member given), every book checked after every event.</summary>
    private ServingResult Run(ServingScenario scenario, params (double At, int Kind, int Member)[] moves)
    {
        var simulator = new Simulator();
        _fleet = new ServingCluster(scenario, simulator);
        simulator.Trace = new CheckEveryEvent(() =>
        {
            _fleet.AssertInvariants();
            if (_drained >= 0)
            {
                _afterDrain.Add((simulator.Now, _fleet.Outstanding(_drained)));
            }
        });
        _fleet.Start();
        foreach ((double at, int kind, int member) in moves)
        {
            simulator.ScheduleAt(SimTime.FromSeconds(at), this, kind, argument: member);
        }

        simulator.Run();
        return _fleet.Finish();
    }

    [Fact]
    public void A_conditional_unit_prefills_short_prompts_on_its_decode_replicas_and_hands_off_exactly_the_longer_ones()
    {
        // Two units of one prefill and two decode replicas: replicas 0 (prefill), 1 and 2 (decode), then 3, 4 and 5.
        ReplicaGroup h100 = Shape("H100-SXM");
        ServingResult result = Run(Fleet(10, 90, [h100], new FleetPlacement(0, new Disaggregation(1, 50) { MaxLocalPrefillTokens = 1000 }, 0, 2)), (0, 0, 0), (0, 0, 0));

        Assert.True(result.Conserved);
        Assert.Equal(result.Metrics.Completed, _servedOn.Count);
        Assert.DoesNotContain(_servedOn.Values, s => s.Replica is 0 or 3);   // a prefill replica answers nothing
        Assert.All(_handedOffBy.Values, h => Assert.True(h.Replica is 0 or 3 && h.Prompt > 1000, $"replica {h.Replica} handed off a {h.Prompt}-token prompt"));
        int local = _servedOn.Count(s => !_handedOffBy.ContainsKey(s.Key));
        Assert.Equal(_servedOn.Values.Count(s => s.Prompt <= 1000), local);   // served whole: exactly the prompts of at most 1,000 tokens
        Assert.Equal((long)local, result.Metrics.LocalPrefills);
        Assert.Equal((long)_handedOffBy.Count, result.Metrics.RemotePrefills);
        Assert.InRange(local / (double)_servedOn.Count, 0.3, 0.8);   // the median prompt is 900 tokens
        Assert.Contains(result.Scalars(), s => s.Name == "prefilled_locally" && Math.Abs(s.Value - (local / (double)_servedOn.Count)) < 1e-12);
        Assert.True(_servedOn.Values.Count(s => s.Replica is 1 or 2) > 100 && _servedOn.Values.Count(s => s.Replica is 4 or 5) > 100, "both units serve");
    }

    [Fact]
    public void A_unit_that_prefills_everything_where_it_decodes_is_routed_to_as_a_colocated_replica_is()
    {
        // A single replica beside a unit of one prefill and one decode replica whose threshold is above every prompt: the
        // unit's decode replica serves whole requests as a colocated replica does, and the router weighs the unit by what
        // it holds there, so the pair serves request for request as two single replicas under least-outstanding routing.
        // (Weighed by its idle prefill replica alone, the unit would take every request.)
        ReplicaGroup h100 = Shape("H100-SXM");
        ServingResult pair = Run(Fleet(16, 60, [h100], new FleetPlacement(0), new FleetPlacement(0)), (0, 0, 0), (0, 1, 0));
        _servedOn.Clear();
        ServingResult mixed = Run(Fleet(16, 60, [h100], new FleetPlacement(0), new FleetPlacement(0, new Disaggregation(1, 50) { MaxLocalPrefillTokens = 100_000 }, 0, 1)),
            (0, 0, 0), (0, 1, 0));

        Assert.True(mixed.Conserved);
        Assert.Equal(0, _fleet!.Replicas[1].BusyNanos);   // the unit's prefill replica
        Assert.Equal(pair.Metrics.Completed, mixed.Metrics.Completed);
        Assert.Equal(_servedOn.Values.Count(s => s.Replica == 2), mixed.Metrics.LocalPrefills);   // the unit's decode replica's
        Assert.Equal(mixed.Metrics.Completed, _servedOn.Values.Count(s => s.Replica is 0 or 2));
        foreach (double q in new[] { 0, 0.5, 0.99, 1 })
        {
            Assert.Equal(pair.Metrics.Ttft.Quantile(q), mixed.Metrics.Ttft.Quantile(q));
            Assert.Equal(pair.Metrics.EndToEnd.Quantile(q), mixed.Metrics.EndToEnd.Quantile(q));
        }

        Assert.InRange(_servedOn.Values.Count(s => s.Replica == 0) / (double)_servedOn.Count, 0.4, 0.6);
    }

    [Fact]
    public void A_conditional_placement_keeps_its_requests_within_itself_beside_an_unconditional_one()
    {
        // Placement 0's units prefill everything up to 100,000 tokens locally (on H200 decode replicas), placement 1's hand
        // every prompt off (to H100 decode replicas): replicas 0–1 are a unit of the first, 2–3 of the second.
        ServingResult result = Run(Fleet(6, 60, [Shape("H100-SXM"), Shape("H200")],
            new FleetPlacement(0, new Disaggregation(1, 50) { MaxLocalPrefillTokens = 100_000 }, 1, 1),
            new FleetPlacement(0, new Disaggregation(1, 50), 0, 1)), (0, 0, 0), (0, 1, 0));

        Assert.True(result.Conserved);
        Assert.All(_handedOffBy, h => Assert.Equal((2, 3), (h.Value.Replica, _servedOn[h.Key].Replica)));   // only the second's, decoded within it
        int local = _servedOn.Count(s => !_handedOffBy.ContainsKey(s.Key));
        Assert.Equal(_servedOn.Values.Count(s => s.Replica == 1), local);   // the first's are served whole on its decode replica
        Assert.True(local > 50 && _handedOffBy.Count > 50, $"{local} local, {_handedOffBy.Count} handed off");
        Assert.Equal((long)local, result.Metrics.LocalPrefills);
        Assert.Equal(0, result.Metrics.RemotePrefills);   // the second placement's hand-offs are not a conditional split's
        Assert.Equal(0, _fleet!.Replicas[0].BusyNanos);
    }

    [Fact]
    public void A_drained_unit_whose_decode_replica_a_hand_off_is_bound_to_stays_held_until_it_lands_and_is_served()
    {
        // A queue cap of one binds each hand-off to a decode replica at dispatch, over a slow link (a 2,000-token cache
        // takes about half a second): unit 0 is drained at 30 s with hand-offs bound to its decode replicas, and unit 1
        // serves on. Unit 0 takes no new work, counts the bound hand-offs until they land, and gives back when done.
        ReplicaGroup h100 = Shape("H100-SXM");
        ServingResult result = Run(Fleet(8, 60, [h100], new FleetPlacement(0, new Disaggregation(1, 0.5) { MaxPrefillQueue = 1 }, 0, 2)),
            (0, 0, 0), (0, 0, 0), (30, -1, 0));

        Assert.True(result.Conserved);
        Assert.True(_boundWhenDrained > 0, "no hand-off was bound to unit 0's decode replicas when it drained");
        Assert.True(_afterDrain[0].Outstanding >= _boundWhenDrained);
        for (int i = 1; i < _afterDrain.Count; i++)
        {
            Assert.True(_afterDrain[i].Outstanding <= _afterDrain[i - 1].Outstanding, $"unit 0 took work at {_afterDrain[i].Time} ns");
        }

        Assert.Equal(0, _fleet!.Outstanding(0));
        Assert.True(result.Metrics.LocalPrefills > 0 && result.Metrics.RemotePrefills > 0, $"{result.Metrics.LocalPrefills} local, {result.Metrics.RemotePrefills} remote");
    }

    [Fact]
    public void A_units_decode_replica_that_caches_prefixes_is_sent_only_what_it_lacks()
    {
        // One 1,000-token prompt repeated over a 0.5 GB/s link: a decode replica that caches prefixes holds 992 tokens of it
        // after the first request, so 8 cross (a 131 MB cache in 0.26 s otherwise). The prefill replicas cache in both runs.
        double Mean(bool decodeCaches)
        {
            _servedOn.Clear();
            _handedOffBy.Clear();
            ServingScenario scenario = Fleet(2, 60, [Shape("H100-SXM", caching: true), Shape("H100-SXM", caching: decodeCaches)],
                new FleetPlacement(0, new Disaggregation(1, 0.5), 1, 1)) with
            {
                Workload = s => RequestSource.Staged([new LoadStage(2, 60)], TokenLengths.Fixed(1000), TokenLengths.Fixed(50), new PromptSet(1, 1, 0), s),
                MaxRequests = 120,
            };
            ServingResult result = Run(scenario, (0, 0, 0));
            Assert.True(result.Conserved);
            Assert.Equal(120, _handedOffBy.Count);
            return _servedOn.Values.Average(s => s.Seconds);
        }

        double whole = Mean(decodeCaches: false), cached = Mean(decodeCaches: true);
        ServingDeployment d = Shape("H100-SXM").Deployment;
        double saved = 119.0 / 120 * (1000 - 8) * d.Model.KvBytesPerToken(d.KvCache) / 0.5e9;
        Assert.InRange(whole - cached, 0.95 * saved, 1.05 * saved);
    }
}
