using ClusterSim.Core.Engine;
using ClusterSim.Core.Inference.Routing;
using ClusterSim.Core.Inference.TestTime;
using ClusterSim.Core.Inference.Workload;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Inference;

/// <summary>Runs a <see cref="ServingScenario"/>: generates requests, routes them to replicas and collects the metrics.</summary>
public sealed class ServingCluster : IEventHandler, IReplicaHost
{
    private const int ArrivalEvent = 0;
    private const int SampleEvent = 1;
    private const int ClosedLoopArrival = 2;
    private const int KvTransferDone = 3;
    private const int DispatchEvent = 4;
    private const int NextTurnEvent = 5;
    private const int CachedAnswerEvent = 6;

    private readonly ServingScenario _scenario;
    private readonly Simulator _simulator;
    private readonly StepTimeModel[] _groupModels;
    private readonly RandomStreams _streams;
    private readonly Queue<int> _parked = new();
    private readonly RequestTable _requests = new();
    private readonly List<Replica> _replicas = [];
    private readonly Router _router;
    private readonly Router? _decodeRouter;
    private readonly List<Replica> _prefillPool = [];
    private readonly List<Replica> _decodePool = [];
    private readonly RequestSource _source;
    private readonly long _horizon;
    private long _nextProgressArrivals;
    private long _nextProgressTime;
    private readonly TestTimePlanner? _planner;
    private readonly TestTimeGroups? _groups;
    private long _generated;
    private long _firstArrival = -1;
    private long _lastCompletion;
    private bool _arrivalsOpen = true;
    private long _lastGeneratedAt;
    private long _completedWhenLastGenerated;
    private long _nextArrivalAt = long.MaxValue;

    private readonly long _frontEndNanos;
    private readonly ConversationTable? _conversations;
    private readonly ResponseCache? _answers;
    private readonly long _lookupNanos;
    private readonly RandomStream? _followUps;

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
        _horizon = double.IsPositiveInfinity(scenario.HorizonSeconds) ? long.MaxValue : SimTime.FromSeconds(scenario.HorizonSeconds);
        ClientTimeoutNanos = double.IsPositiveInfinity(scenario.ClientTimeoutSeconds) ? long.MaxValue : SimTime.FromSeconds(scenario.ClientTimeoutSeconds);
        Metrics = new ServingMetrics(scenario.Slo, SimTime.FromSeconds(scenario.SeriesIntervalSeconds), SimTime.FromSeconds(scenario.WarmupSeconds), ClientTimeoutNanos, scenario.SeriesMaxPoints);
        if (scenario.TestTime is { } testTime)
        {
            _planner = new TestTimePlanner(testTime, streams.For("test-time"));
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
            if (scenario.TestTime is not null || scenario.Disaggregation is not null || _source.IsClosedLoop)
            {
                throw new ArgumentException("conversations need open arrivals and cannot be combined with test-time compute or disaggregation");
            }

            _conversations = new ConversationTable();
            _followUps = streams.For("follow-ups");
        }

        if (scenario.Disaggregation is { } split)
        {
            split.Validated(_replicas.Count);
            if (scenario.TestTime is not null)
            {
                throw new ArgumentException("test-time compute with prefill/decode disaggregation is not supported; use one or the other");
            }

            _prefillPool.AddRange(_replicas.Take(split.PrefillReplicas));
            _decodePool.AddRange(_replicas.Skip(split.PrefillReplicas));
            _decodeRouter = Router.Create(scenario.Router, streams.For("router.decode"));
        }
        else
        {
            _prefillPool.AddRange(_replicas);
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
        _simulator.ScheduleAt(0, this, SampleEvent, priority: EventPriority.Sample);
    }

    /// <summary>The result so far (after <see cref="Run"/>, of the whole run; on a shared clock, requests may still be in flight).</summary>
    public ServingResult Finish()
    {
        long start = Math.Max(0, _firstArrival);
        long end = Math.Max(_lastCompletion, start + 1);
        Metrics.QueueLength.Close(end);
        Metrics.KvOccupancy.Close(end);
        Metrics.RunningSequences.Close(end);
        Metrics.ExpertImbalanceSeries.Close(end);
        Metrics.CloseLatencyWindow(end);
        foreach (var series in new[] { Metrics.TtftP50, Metrics.TtftP99, Metrics.TpotP50, Metrics.TpotP99 })
        {
            series.Close(end);
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
            // The run drains every event, so a request still in flight at the end is stuck (in a queue nothing will serve).
            Conserved = Metrics.Arrived == TotalCompleted + Metrics.Dropped && _requests.InFlight == 0,
            SustainedRequestsPerSecond = _lastGeneratedAt > start ? _completedWhenLastGenerated / SimTime.ToSeconds(_lastGeneratedAt - start) : double.NaN,
        };
    }

    private long TotalCompleted { get; set; }

    /// <summary>
    /// Checks the books between events: the request table, every replica's batch, queue and KV blocks, and that the
    /// requests the replicas hold are no more than those in flight. Throws <see cref="InvalidOperationException"/> on the
    /// first broken invariant (tests run it after every event of small scenarios).
    /// </summary>
    public void AssertInvariants()
    {
        bool[] live = _requests.AssertInvariants();
        long held = 0;
        foreach (Replica replica in _replicas)
        {
            replica.AssertInvariants(live);
            held += replica.Outstanding;
        }

        Invariant.Check(held <= _requests.InFlight, $"the replicas hold {held} requests; {_requests.InFlight} are in flight");
        Invariant.Check(Metrics.Arrived >= TotalCompleted + Metrics.Dropped, $"{TotalCompleted} completed and {Metrics.Dropped} dropped of {Metrics.Arrived} arrived");
    }

    /// <summary>Requests arrived and neither finished nor dropped yet.</summary>
    public long InFlight => _requests.InFlight;

    /// <summary>Adds a replica of group <paramref name="group"/>'s shape (an elastic fleet's autoscaler calls this) and returns its index; requests waiting for a replica go to it.</summary>
    public int AddReplica(int group)
    {
        if (!_scenario.Elastic)
        {
            throw new InvalidOperationException("replicas are added only to an elastic fleet (ServingScenario.Elastic)");
        }

        Replica replica = NewReplica(group);
        _replicas.Add(replica);
        _prefillPool.Add(replica);
        while (_parked.Count > 0)
        {
            Dispatch(_simulator, _parked.Dequeue());
        }

        return _replicas.Count - 1;
    }

    /// <summary>Routes no new request to replica <paramref name="index"/>; it finishes what it holds (<see cref="Outstanding"/> falls to 0).</summary>
    public void Drain(int index) => _prefillPool.Remove(_replicas[index]);

    /// <summary>Requests replica <paramref name="index"/> still holds, waiting or running.</summary>
    public int Outstanding(int index) => _replicas[index].Outstanding;

    private Replica NewReplica(int group)
    {
        ReplicaGroup shape = _scenario.Replicas[group];
        StepTimeModel model = _groupModels[group];
        Moe.ExpertRouter? experts = shape.Deployment is { MoeRouting: { } routing, Model.IsMoE: true } d
            ? new Moe.ExpertRouter(d.Model.Experts, d.Model.TopK, model.ExpertParallel, routing, _streams.For($"moe.{_replicas.Count}"))
            : null;
        return new Replica(_replicas.Count, model, shape.Scheduler, _requests, Metrics, this, _scenario.MacroStepping, experts, _scenario.Observer);
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

    /// <inheritdoc />
    public void OnCompleted(int requestId, long now)
    {
        if (_requests.Stage(requestId) == RequestStage.Prefill)
        {
            HandOff(requestId);
            return;
        }

        TotalCompleted++;
        if (_requests.Group(requestId) is >= 0 and int group && !_groups!.SampleDone(group, now, served: true))
        {
            return;   // a closed loop's user waits for every sample of the answer
        }

        if (_conversations is not null)
        {
            ContinueConversation(requestId, now);
        }

        if (_answers is not null && ResponseKey(requestId) is >= 0 and long key)
        {
            _answers.Store(key, now);
        }

        _lastCompletion = now;
        if (_source.IsClosedLoop && _arrivalsOpen && _generated < _scenario.MaxRequests)
        {
            long next = now + _source.NextThinkNanos();
            if (next <= _horizon)
            {
                _generated++;
                _lastGeneratedAt = now;
                _completedWhenLastGenerated = TotalCompleted;
                _simulator.ScheduleAt(next, this, ClosedLoopArrival);
            }
        }
    }

    /// <inheritdoc />
    public void OnFirstToken(Replica replica, int requestId, long now)
    {
        int group = _requests.Group(requestId);
        int siblings = _groups!.TakeSiblings(group);
        int prompt = _groups.Prompt(group), output = _groups.Output(group);
        for (int k = 0; k < siblings; k++)
        {
            Metrics.Arrived++;
            int id = _requests.Add(_groups.Arrival(group), prompt, output, sharedPrefix: prompt, group: group);
            if (!replica.CanEverFit(prompt, output, prompt))
            {
                Metrics.Dropped++;
                _requests.Release(id);
                _groups.SampleDone(group, now, served: false);
                continue;
            }

            replica.Enqueue(_simulator, id);
        }
    }

    /// <inheritdoc />
    public void OnExpired(int requestId, long now)
    {
        Metrics.Dropped++;
        Metrics.TimedOut++;
        EndConversation(requestId);
        int group = _requests.Group(requestId);
        _requests.Release(requestId);
        if (group >= 0)
        {
            _groups!.SampleDone(group, now, served: false);
        }

        OnDropped(now);
    }

    /// <summary>A lost turn ends its conversation: its user does not ask again.</summary>
    private void EndConversation(int requestId)
    {
        if (_conversations is not null && _requests.Identity(requestId) is { Conversation: true } identity)
        {
            _conversations.Close((int)identity.PromptKey);
        }
    }

    /// <summary>The prefill side finished: the decode side is registered now and starts when its KV cache has crossed the link.</summary>
    private void HandOff(int prefillId)
    {
        int prompt = _requests.Prompt(prefillId);
        int output = _requests.FullOutput(prefillId);
        int id = _requests.Add(_requests.Arrival(prefillId), prompt, output, stage: RequestStage.Decode, transferred: prompt);
        _requests.SetFirstToken(id, _requests.FirstToken(prefillId));
        _requests.SetDelivered(id, 1);
        ServingDeployment deployment = _decodePool[0].Model.Deployment;
        double seconds = _scenario.Disaggregation!.TransferSeconds(prompt, deployment.Model.KvBytesPerToken(deployment.KvCache));
        _simulator.Schedule(Math.Max(1, SimTime.FromSeconds(seconds)), this, KvTransferDone, id);
    }

    private void StartDecode(Simulator simulator, int id)
    {
        Replica replica = _decodePool[_decodeRouter!.Choose(_decodePool, new RouteRequest(_requests.Identity(id), _requests.Prompt(id)))];
        if (!replica.CanEverFit(_requests.Prompt(id), _requests.Output(id)))
        {
            Metrics.Dropped++;
            _requests.Release(id);
            OnDropped(simulator.Now);
            return;
        }

        replica.Enqueue(simulator, id);
    }

    /// <summary>Draws the next open arrival after the client's time <paramref name="clientNow"/>; its event fires when the engine sees it.</summary>
    private void ScheduleNextOpenArrival(long clientNow)
    {
        if (_source.IsClosedLoop)
        {
            return;
        }

        if (_generated >= _scenario.MaxRequests)
        {
            _arrivalsOpen = false;
            return;
        }

        long gap = _source.NextGap(clientNow);
        if (gap == long.MaxValue || clientNow + gap > _horizon)
        {
            _arrivalsOpen = false;
            return;
        }

        _generated++;
        _nextArrivalAt = clientNow + gap + _frontEndNanos;
        _simulator.ScheduleAt(_nextArrivalAt, this, ArrivalEvent);
    }

    /// <summary>Reports the share done and sets the next 1 % marks, in arrivals and in simulated time.</summary>
    private void ReportProgress(long now)
    {
        double byRequests = Metrics.Arrived / (double)_scenario.MaxRequests;
        double byTime = _horizon == long.MaxValue ? 0 : now / (double)_horizon;
        _scenario.Progress!.Report(Math.Min(1, Math.Max(byRequests, byTime)));
        _nextProgressArrivals = Metrics.Arrived + Math.Max(1, _scenario.MaxRequests / 100);
        _nextProgressTime = _horizon == long.MaxValue ? long.MaxValue : now + Math.Max(1, _horizon / 100);
    }

    /// <summary>
    /// A request sent by its client at <paramref name="now"/>; <paramref name="throughFrontEnd"/> when the engine sees it
    /// already (open arrivals fire after the front end's latency), else it still has the front end ahead.
    /// </summary>
    private void Arrive(Simulator simulator, long now, bool throughFrontEnd)
    {
        if (_firstArrival < 0)
        {
            _firstArrival = now;
        }

        var (prompt, output) = _source.NextLengths();
        Metrics.Arrived++;
        if (_scenario.Progress is not null && (Metrics.Arrived >= _nextProgressArrivals || now >= _nextProgressTime))
        {
            ReportProgress(now);
        }

        int group = -1;
        if (_planner is not null)
        {
            // Thinking tokens are output the model generates before its answer; samples beyond the first join on its first token.
            RequestPlan plan = _planner.Next();
            output += plan.ThinkingTokens;
            group = _groups!.Open(now, plan, prompt, output);
        }

        bool split = _decodeRouter is not null && output > 1;
        // A disaggregated request's prefill side produces the first token only.
        int id = split
            ? _requests.Add(now, prompt, 1, stage: RequestStage.Prefill, fullOutput: output)
            : _requests.Add(now, prompt, output, group: group);
        PromptIdentity identity = _source.Identity;
        if (_conversations is not null)
        {
            identity = _conversations.Identity(_conversations.Start(_scenario.Conversations!.Turns, identity, output));
        }

        _requests.SetIdentity(id, identity);
        if (_answers is not null && ResponseKey(id) is >= 0 and long key)
        {
            Metrics.ResponseCacheLookups++;
            if (_answers.TryHit(key, simulator.Now))
            {
                // A repeated query answered by the front end: a lookup, not an inference.
                simulator.Schedule(_lookupNanos, this, CachedAnswerEvent, id);
                return;
            }
        }

        if (throughFrontEnd)
        {
            Dispatch(simulator, id);
        }
        else
        {
            Submit(simulator, id);
        }
    }

    /// <summary>The key a request's answer is cached under: its prompt's, when equal prompts are equal questions; −1 otherwise.</summary>
    private long ResponseKey(int id) =>
        _requests.Identity(id) is { Conversation: false, PromptKey: >= 0 } identity && _requests.Group(id) < 0 && _requests.Stage(id) == RequestStage.Whole
            ? identity.PromptKey
            : -1;

    private void AnswerFromCache(long now, int id)
    {
        Metrics.ResponseCacheHits++;
        _requests.MarkFirstToken(id, now);
        Metrics.RecordCompletion(_requests, id, now);
        TotalCompleted++;
        _lastCompletion = now;
        _requests.Release(id);
    }

    /// <summary>A request leaves the client: the engine sees it after the front end's latency.</summary>
    private void Submit(Simulator simulator, int id)
    {
        if (_frontEndNanos > 0)
        {
            simulator.Schedule(_frontEndNanos, this, DispatchEvent, id);
            return;
        }

        Dispatch(simulator, id);
    }

    /// <summary>A conversation's turn was answered: the user asks again after thinking, with the whole conversation as prompt.</summary>
    private void ContinueConversation(int requestId, long now)
    {
        PromptIdentity identity = _requests.Identity(requestId);
        int s = (int)identity.PromptKey;
        if (_conversations!.TurnsLeft(s) <= 0)
        {
            _conversations.Close(s);
            return;
        }

        int prompt = _requests.Prompt(requestId) + _requests.Output(requestId) + _scenario.Conversations!.FollowUp.Sample(_followUps!);
        _conversations.Advance(s, prompt);
        _simulator.ScheduleAt(now + SimTime.FromSeconds(_scenario.Conversations.ThinkSeconds), this, NextTurnEvent, s);
    }

    private void NextTurn(Simulator simulator, int s)
    {
        var (prompt, answer) = _conversations!.Next(s);
        Metrics.Arrived++;
        int id = _requests.Add(simulator.Now, prompt, answer);
        _requests.SetIdentity(id, _conversations.Identity(s));
        Submit(simulator, id);
    }

    /// <summary>The engine receives a request: routed to a replica, or dropped when no replica could ever hold it.</summary>
    private void Dispatch(Simulator simulator, int id)
    {
        long now = simulator.Now;
        if (_prefillPool.Count == 0)
        {
            // An elastic fleet with no replica serving: the request waits at the front end for the next one.
            _parked.Enqueue(id);
            return;
        }

        int prompt = _requests.Prompt(id), output = _requests.FullOutput(id), group = _requests.Group(id);
        Replica replica = _prefillPool[_router.Choose(_prefillPool, new RouteRequest(_requests.Identity(id), prompt))];
        if (!replica.CanEverFit(prompt, output))
        {
            Metrics.Dropped++;
            EndConversation(id);
            _requests.Release(id);
            if (group >= 0)
            {
                _groups!.DropAll(group);
            }

            OnDropped(now);
            return;
        }

        replica.Enqueue(simulator, id);
    }

    private void OnDropped(long now)
    {
        if (_source.IsClosedLoop && _generated < _scenario.MaxRequests)
        {
            _generated++;
            _simulator.ScheduleAt(now + Math.Max(1, _source.NextThinkNanos()), this, ClosedLoopArrival);
        }
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
        Metrics.CloseLatencyWindow(now);
        if (_requests.InFlight > 0 || simulator.PendingCount > 0)
        {
            // The series' own interval: a bounded series doubles it when full, and sampling slows with it.
            simulator.Schedule(Metrics.QueueLength.IntervalNanos, this, SampleEvent, priority: EventPriority.Sample);
        }
    }
}
