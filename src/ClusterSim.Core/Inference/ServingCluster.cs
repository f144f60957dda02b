using ClusterSim.Core.Engine;
using ClusterSim.Core.Inference.Routing;
using ClusterSim.Core.Inference.TestTime;
using ClusterSim.Core.Inference.Workload;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Inference;

/// <summary>Runs a <see cref="ServingScenario"/>: generates requests, routes them to replicas and collects the metrics.</summary>
public sealed partial class ServingCluster : IEventHandler, IReplicaHost
{
    private const int ArrivalEvent = 0;
    private const int SampleEvent = 1;
    private const int ClosedLoopArrival = 2;
    private const int KvTransferDone = 3;
    private const int DispatchEvent = 4;
    private const int NextTurnEvent = 5;
    private const int CachedAnswerEvent = 6;
    private const int ClientSendEvent = 7;

    private readonly ServingScenario _scenario;
    private readonly Simulator _simulator;
    private readonly StepTimeModel[] _groupModels;
    private readonly RandomStreams _streams;
    private readonly Queue<int> _parked = new();
    private readonly RequestTable _requests = new();
    private readonly List<Replica> _replicas = [];
    private readonly Router _router;
    private readonly List<Replica> _prefillPool = [];
    private readonly List<IReplicaLoad>? _entries;   // a fleet with prefill/decode units: how its router sees _prefillPool, index for index
    private readonly List<bool> _decodes = [];   // each replica's role: true for a disaggregated decode replica
    private readonly ServingUnits? _units;   // an elastic fleet with prefill/decode units: its members; null otherwise

    // Where hand-offs go, by placement (a fixed fleet's split is placement 0): the decode replicas taking work, the router
    // choosing among them, the link the KV cache crosses and the decode replicas' shape. Null entries: no split there.
    private readonly FleetPlacement[] _placements;
    private readonly List<Replica>?[] _decodePools;
    private readonly Router?[] _decodeRouters;
    private readonly RequestSource _source;
    private readonly long _horizon;
    private long _nextProgressArrivals;
    private long _nextProgressTime;
    private readonly TestTimePlanner? _planner;
    private readonly TestTimeGroups? _groups;
    private readonly int _contextLimit;   // the shortest server context of the replicas: thinking stops there
    private long _generated;
    private long _firstArrival = -1;
    private long _lastCompletion;
    private bool _arrivalsOpen = true;

    /// <summary>The client's cap on requests in flight (0: none), how many it has in flight, and how many wait for a slot.</summary>
    private readonly int _clientCap;
    private int _clientInFlight;
    private int _heldSends;
    private long _lastGeneratedAt;
    private long _completedWhenLastGenerated;
    private long _nextArrivalAt = long.MaxValue;

    private readonly long _frontEndNanos;
    private readonly ConversationTable? _conversations;
    private PromptIdentity[] _sentAs = [];   // by decode side's request id: the identity its prefill side was sent with
    private Replica?[] _decodeFor = [];   // a conditional split's decode replica, chosen at dispatch: by prefill side's id, then by decode side's
    private readonly ResponseCache? _answers;
    private readonly long _lookupNanos;
    private readonly RandomStream? _followUps;
    private readonly RandomStream? _classDraws;   // each request's class, from a stream of its own
    private readonly double[] _classBounds = [];   // the classes' cumulative shares

    /// <inheritdoc />
    public long ClientTimeoutNanos { get; }

    /// <inheritdoc />
    public long NextArrivalHint => _nextArrivalAt;

    /// <summary>
    /// Builds the cluster for one replication of a validated scenario, on its own clock or on <paramref name="simulator"/>
    /// (shared with other workloads; it must not have started).
    /// </summary>
    public ServingCluster(ServingScenario scenario, Simulator? simulator = null)
    {
        _scenario = scenario.Validated();
        if (simulator is { Now: not 0 })
        {
            throw new ArgumentException($"a serving cluster starts at time 0 of its simulator; this one is at {SimTime.ToSeconds(simulator.Now)} s");
        }

        _simulator = simulator ?? new Simulator(1024);
        var streams = _streams = new RandomStreams(scenario.Seed);
        _router = Router.Create(scenario.Router, streams.For("router"));
        _source = scenario.Workload(streams);
        _clientCap = scenario.ClientConcurrencyCap;
        if (_clientCap > 0 && _source.IsClosedLoop)
        {
            throw new ArgumentException("a client concurrency cap paces open arrivals; a closed loop has its own concurrency");
        }
        _horizon = double.IsPositiveInfinity(scenario.HorizonSeconds) ? long.MaxValue : SimTime.FromSeconds(scenario.HorizonSeconds);
        ClientTimeoutNanos = double.IsPositiveInfinity(scenario.ClientTimeoutSeconds) ? long.MaxValue : SimTime.FromSeconds(scenario.ClientTimeoutSeconds);
        Metrics = new ServingMetrics(scenario.Slo, SimTime.FromSeconds(scenario.SeriesIntervalSeconds), SimTime.FromSeconds(scenario.WarmupSeconds), ClientTimeoutNanos, scenario.SeriesMaxPoints, latencyWindows: scenario.SampleSeries)
        {
            ServerCapsOutput = !scenario.ClientSendsMaxTokens,
        };
        if (scenario.Classes.Count > 0)
        {
            Metrics.TrackClasses(scenario.Classes);
            _classDraws = streams.For("request-classes");
            double sum = 0;
            _classBounds = [.. scenario.Classes.Select(c => sum += c.Share)];
        }
        if (scenario.TestTime is { } testTime)
        {
            _planner = new TestTimePlanner(testTime, streams.For("test-time"));
            _contextLimit = scenario.Replicas.Min(g => g.Deployment.ContextLimit);
            _groups = new TestTimeGroups(new TestTimeMetrics(), SimTime.FromSeconds(scenario.WarmupSeconds));
        }

        _groupModels = [.. scenario.Replicas.Select(g => new StepTimeModel(g.Deployment))];
        for (int g = 0; g < scenario.Replicas.Count; g++)
        {
            for (int i = 0; i < scenario.Replicas[g].Count; i++)
            {
                _replicas.Add(NewReplica(g));
            }
        }

        Metrics.HasPrefixCache = scenario.Replicas.Any(g => g.Scheduler.PrefixCaching);
        Metrics.HasKvOffload = scenario.Replicas.Any(g => g.Scheduler.HostKvBytes > 0);

        // The front end (HTTP, tokenising) is shared by the replicas; its latency delays every request before routing.
        _frontEndNanos = _groupModels[0].RequestOverheadNanos;
        if (scenario.ResponseCache is { Entries: > 0 } answers)
        {
            answers.Validated();
            if (_source.IsClosedLoop)
            {
                throw new ArgumentException("a response cache needs open arrivals (a closed loop's users wait on the engine)");
            }

            _answers = new ResponseCache(answers.Entries, SimTime.FromSeconds(answers.TtlSeconds));
            _lookupNanos = Math.Max(1, SimTime.FromSeconds(answers.LookupSeconds));
            Metrics.HasResponseCache = true;
        }

        if (scenario.Conversations is { } conversations)
        {
            conversations.Validated();
            if (scenario.TestTime is not null || _source.IsClosedLoop)
            {
                throw new ArgumentException("conversations need open arrivals and cannot be combined with test-time compute");
            }

            _conversations = new ConversationTable();
            _followUps = streams.For("follow-ups");
        }

        _placements = scenario.Disaggregation is { } split
            ? [new FleetPlacement(0, split.Validated(_replicas.Count), scenario.Replicas.Count - 1, _replicas.Count - split.PrefillReplicas)]
            : scenario.Placements.Count > 0 ? [.. scenario.Placements]
            : [.. scenario.Replicas.Select((_, g) => new FleetPlacement(g))];
        _decodePools = new List<Replica>?[_placements.Length];
        _decodeRouters = new Router?[_placements.Length];
        bool first = true;
        for (int p = 0; p < _placements.Length; p++)
        {
            if (_placements[p].IsUnit)
            {
                // The first split's decode router draws from the stream a fleet of one split always had.
                _decodePools[p] = [];
                _decodeRouters[p] = Router.Create(scenario.Router, streams.For(first ? "router.decode" : $"router.decode.{p}"));
                first = false;
            }
        }

        Metrics.HasConditionalSplit = _placements.Any(p => p.Split is { IsConditional: true });
        _units = scenario.Elastic && scenario.HandsOff ? new ServingUnits() : null;
        _entries = _units is null ? null : [];
        if (scenario.Disaggregation is { PrefillReplicas: var prefill })
        {
            _prefillPool.AddRange(_replicas.Take(prefill));
            _decodePools[0]!.AddRange(_replicas.Skip(prefill));
            _decodes.AddRange(_replicas.Select((_, i) => i >= prefill));
        }
        else
        {
            _prefillPool.AddRange(_replicas);
            _decodes.AddRange(_replicas.Select(_ => false));
        }
    }

    /// <summary>The metrics being collected.</summary>
    public ServingMetrics Metrics { get; }

    /// <summary>The replicas, in scenario order.</summary>
    public IReadOnlyList<Replica> Replicas => _replicas;

    /// <summary>The underlying simulator (for tracing).</summary>
    public Simulator Simulator => _simulator;

    /// <summary>Runs to completion: all generated requests finished or dropped.</summary>
    public ServingResult Run()
    {
        Start();
        _simulator.Run();
        return Finish();
    }

    /// <summary>Schedules the first arrivals and samples; whoever owns the simulator then runs it.</summary>
    public void Start()
    {
        for (int i = 0; i < _source.InitialRequests && _generated < _scenario.MaxRequests; i++)
        {
            _simulator.ScheduleAt(_source.NextInitialArrival(), this, ClosedLoopArrival);
            _generated++;
        }

        ScheduleNextOpenArrival(0);
        if (_scenario.SampleSeries)
        {
            _simulator.ScheduleAt(0, this, SampleEvent, priority: EventPriority.Sample);
        }
    }

    /// <summary>The result so far (after <see cref="Run"/>, of the whole run; on a shared clock, requests may still be in flight).</summary>
    public ServingResult Finish()
    {
        long start = Math.Max(0, _firstArrival);
        long end = Math.Max(_lastCompletion, start + 1);
        Metrics.MergeExpertImbalance(_replicas.Where(r => r.ExpertImbalance is not null).Select(r => r.ExpertImbalance!));
        if (_scenario.SampleSeries)
        {
            Metrics.QueueLength.Close(end);
            Metrics.KvOccupancy.Close(end);
            Metrics.RunningSequences.Close(end);
            Metrics.ExpertImbalanceSeries.Close(end);
            Metrics.CloseLatencyWindow(end);
            foreach (var series in new[] { Metrics.TtftP50, Metrics.TtftP99, Metrics.TpotP50, Metrics.TpotP99 })
            {
                series.Close(end);
            }
        }
        int accelerators = _replicas.Sum(r => r.Model.Deployment.Accelerators);
        double busy = _replicas.Sum(r => (double)r.BusyNanos);
        double acceleratorSeconds = _replicas.Sum(r => r.BusyNanos / 1e9 * r.Model.Deployment.Accelerators);
        return new ServingResult
        {
            Metrics = Metrics,
            TestTime = _groups?.Metrics,
            TestTimeOptions = _scenario.TestTime,
            BusyAcceleratorSeconds = acceleratorSeconds,
            DurationSeconds = SimTime.ToSeconds(end - start),
            MeasuredSeconds = SimTime.ToSeconds(end - Math.Min(end - 1, Math.Max(start, SimTime.FromSeconds(_scenario.WarmupSeconds)))),
            InFlightAtEnd = _requests.InFlight,
            Accelerators = accelerators,
            EventsFired = _simulator.EventsFired,
            Utilisation = busy / _replicas.Count / (end - start),
            PoolUtilisation = PoolBusyShares(end - start),
            // The run drains every event, so a request still in flight at the end is stuck (in a queue nothing will serve).
            Conserved = Metrics.Arrived == TotalCompleted + Metrics.Dropped && _requests.InFlight == 0,
            SustainedRequestsPerSecond = _lastGeneratedAt > start ? _completedWhenLastGenerated / SimTime.ToSeconds(_lastGeneratedAt - start) : double.NaN,
        };
    }

    private long TotalCompleted { get; set; }

    /// <summary>
    /// A split fleet's prefill and decode replicas' busy shares over <paramref name="span"/> ns; null without a split, or
    /// when single replicas serve beside the units (theirs would be in neither pool's).
    /// </summary>
    private (double Prefill, double Decode)? PoolBusyShares(long span)
    {
        bool mixed = _units is not null && _replicas.Any(r => !_decodes[r.Id] && !_units.HandsOff(r));
        return _scenario.HandsOff && _decodes.Contains(true) && !mixed
            ? (MeanBusy(_replicas.Where(r => !_decodes[r.Id]), span), MeanBusy(_replicas.Where(r => _decodes[r.Id]), span))
            : null;
    }

    /// <summary>The mean share of <paramref name="span"/> ns the <paramref name="replicas"/> were running iterations.</summary>
    private static double MeanBusy(IEnumerable<Replica> replicas, long span) => replicas.Average(r => (double)r.BusyNanos) / span;

    /// <summary>
    /// Checks the books between events: the request table, every replica's batch, queue and KV blocks, and that the
    /// requests the replicas hold are no more than those in flight. Throws <see cref="InvalidOperationException"/> on the
    /// first broken invariant (tests run it after every event of small scenarios).
    /// </summary>
    public void AssertInvariants()
    {
        bool[] live = _requests.AssertInvariants();
        long held = 0;
        var bound = new int[_replicas.Count];
        foreach (Replica? to in _decodeFor)
        {
            if (to is not null)
            {
                bound[to.Id]++;   // hand-offs bound to it before they land
            }
        }

        foreach (Replica replica in _replicas)
        {
            replica.AssertInvariants(live);
            held += replica.Outstanding - replica.Incoming;
            Invariant.Check(bound[replica.Id] == replica.Incoming, $"replica {replica.Id} expects {replica.Incoming} hand-offs; {bound[replica.Id]} requests are bound to it");
        }

        Invariant.Check(held <= _requests.InFlight, $"the replicas hold {held} requests; {_requests.InFlight} are in flight");
        _units?.AssertInvariants(_requests.InFlight);
        if (_entries is not null)
        {
            Invariant.Check(_entries.Count == _prefillPool.Count, $"the router has {_entries.Count} entries for {_prefillPool.Count} routed replicas");
            for (int i = 0; i < _entries.Count; i++)
            {
                Invariant.Check(((UnitEntry)_entries[i]).Replica == _prefillPool[i], $"the router's entry {i} is not the routed pool's replica");
            }
        }

        Invariant.Check(Metrics.Arrived >= TotalCompleted + Metrics.Dropped, $"{TotalCompleted} completed and {Metrics.Dropped} dropped of {Metrics.Arrived} arrived");
    }

    /// <summary>Requests arrived and neither finished nor dropped yet.</summary>
    public long InFlight => _requests.InFlight;

    /// <summary>
    /// Whether a request in flight has waited past the SLO's time to first token by <paramref name="now"/> without its
    /// first token: it will miss the SLO whenever it finishes (a fleet still starting, or one that fell behind).
    /// </summary>
    public bool HasLateRequest(long now) =>
        _requests.InFlight > 0 && now - _requests.EarliestWaitingArrival() > SimTime.FromSeconds(_scenario.Slo.TtftSeconds);

    /// <summary>
    /// Adds what placement <paramref name="placement"/> adds (<see cref="ServingScenario.Placements"/>; without them, a
    /// replica of that group) — an elastic fleet's autoscaler calls this — and returns its handle, which
    /// <see cref="Drain"/> and <see cref="Outstanding"/> then take: the replica's index, or in a fleet with prefill/decode
    /// units the member's (a whole unit, or a single replica). Requests waiting for a replica go to it.
    /// </summary>
    public int AddReplica(int placement)
    {
        if (!_scenario.Elastic)
        {
            throw new InvalidOperationException("replicas are added only to an elastic fleet (ServingScenario.Elastic)");
        }

        if (placement < 0 || placement >= _placements.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(placement), $"placement {placement} of {_placements.Length}");
        }

        FleetPlacement shape = _placements[placement];
        int handle;
        if (_units is not null)
        {
            int prefillReplicas = shape.Split?.PrefillReplicas ?? 1;
            List<Replica> prefill = [.. Enumerable.Range(0, prefillReplicas).Select(_ => Added(shape.Group, decodeOf: -1))];
            List<Replica> decode = [.. Enumerable.Range(0, shape.DecodeReplicas).Select(_ => Added(shape.DecodeGroup, decodeOf: placement))];
            handle = _units.Add(prefill, decode, placement);
            _entries!.AddRange(prefill.Select(r => new UnitEntry(_units, handle, r)));
        }
        else
        {
            handle = Added(shape.Group, decodeOf: -1).Id;
        }

        while (_parked.Count > 0)
        {
            Dispatch(_simulator, _parked.Dequeue());
        }

        return handle;
    }

    /// <summary>A new replica of <paramref name="group"/>, in the fleet and taking work: in placement <paramref name="decodeOf"/>'s decode pool, or (−1) the routed pool.</summary>
    private Replica Added(int group, int decodeOf)
    {
        Replica replica = NewReplica(group);
        _replicas.Add(replica);
        _decodes.Add(decodeOf >= 0);
        (decodeOf >= 0 ? _decodePools[decodeOf]! : _prefillPool).Add(replica);
        return replica;
    }

    /// <summary>
    /// Routes no new request to replica <paramref name="index"/> (a unit: to any of its replicas); it finishes what it
    /// holds (<see cref="Outstanding"/> falls to 0).
    /// </summary>
    public void Drain(int index)
    {
        if (_units is null)
        {
            _prefillPool.Remove(_replicas[index]);
            return;
        }

        foreach (Replica r in _units.PrefillOf(index))
        {
            int at = _prefillPool.IndexOf(r);
            if (at >= 0)
            {
                _prefillPool.RemoveAt(at);
                _entries!.RemoveAt(at);
            }
        }

        foreach (Replica r in _units.DecodeOf(index))
        {
            _decodePools[_units.PlacementOf(index)]!.Remove(r);
        }
    }

    /// <summary>Requests replica <paramref name="index"/> still holds, waiting or running (a unit: its replicas', and its hand-offs still crossing the link).</summary>
    public int Outstanding(int index) => _units is null ? _replicas[index].Outstanding : _units.Outstanding(index);

    private Replica NewReplica(int group)
    {
        ReplicaGroup shape = _scenario.Replicas[group];
        StepTimeModel model = _groupModels[group];
        Moe.ExpertRouter? experts = shape.Deployment is { MoeRouting: { } routing, Model.IsMoE: true } d
            ? new Moe.ExpertRouter(d.Model.Experts, d.Model.TopK, model.ExpertParallel, routing, _streams.For($"moe.{_replicas.Count}"))
            : null;
        return new Replica(_replicas.Count, model, shape.Scheduler, _requests, Metrics, this, _scenario.MacroStepping, experts, _scenario.Observer)
        {
            SimultaneousArrivalsShareStep = _scenario.InProcessSubmission,
        };
    }

    /// <inheritdoc />
    public void OnEvent(Simulator simulator, in SimEvent simEvent)
    {
        switch (simEvent.Kind)
        {
            case ArrivalEvent:
            {
                // Open arrivals fire when the engine sees them, the front end's latency after the client sent them.
                long sent = simulator.Now - _frontEndNanos;
                _nextArrivalAt = long.MaxValue;
                Arrive(simulator, sent, throughFrontEnd: true);
                ScheduleNextOpenArrival(sent);
                break;
            }

            case ClosedLoopArrival:
                Arrive(simulator, simulator.Now, throughFrontEnd: false);
                break;
            case ClientSendEvent:
                SendOrHold(simulator);
                break;
            case KvTransferDone:
                StartDecode(simulator, (int)simEvent.Argument);
                break;
            case DispatchEvent:
                Dispatch(simulator, (int)simEvent.Argument);
                break;
            case NextTurnEvent:
                NextTurn(simulator, (int)simEvent.Argument);
                break;
            case CachedAnswerEvent:
                AnswerFromCache(simulator.Now, (int)simEvent.Argument);
                break;
            default:
                Sample(simulator);
                break;
        }
    }

    /// <summary>
    /// The grid point at <paramref name="now"/> takes the imbalance of the latest routed iteration any replica ended before
    /// it (the highest among those ending at the same instant): read from the replicas, so a macro-step's iterations count
    /// at their own ends, whatever order replicas record them in.
    /// </summary>
    private void SampleExpertImbalance(long now)
    {
        bool found = false;
        long latest = long.MinValue;
        double imbalance = 0;
        foreach (Replica r in _replicas)
        {
            if (r.LatestRoutingBefore(now, out long end, out double value) && (!found || end > latest || (end == latest && value > imbalance)))
            {
                (found, latest, imbalance) = (true, end, value);
            }
        }

        if (found)
        {
            Metrics.ExpertImbalanceSeries.Set(now - 1, imbalance);   // the value just before now, without emitting a point
        }

        Metrics.ExpertImbalanceSeries.Close(now);
    }

    private void Sample(Simulator simulator)
    {
        long now = simulator.Now;
        int waiting = 0, running = 0;
        long used = 0, total = 0;
        foreach (Replica r in _replicas)
        {
            waiting += r.Waiting;
            running += r.Running;
            used += r.TotalBlocks - r.FreeBlocks;
            total += r.TotalBlocks;
        }

        Metrics.QueueLength.Set(now, waiting);
        Metrics.RunningSequences.Set(now, running);
        Metrics.KvOccupancy.Set(now, total == 0 ? 0 : used / (double)total);
        SampleExpertImbalance(now);
        Metrics.CloseLatencyWindow(now);
        if (_requests.InFlight > 0 || simulator.PendingCount > 0)
        {
            // The series' own interval: a bounded series doubles it when full, and sampling slows with it.
            simulator.Schedule(Metrics.QueueLength.IntervalNanos, this, SampleEvent, priority: EventPriority.Sample);
        }
    }
}
