using ClusterSim.Core.Engine;
using ClusterSim.Core.Inference.Routing;
using ClusterSim.Core.Inference.TestTime;
using ClusterSim.Core.Inference.Workload;

namespace ClusterSim.Core.Inference;

// Arrivals: open and closed-loop sources, the response cache, conversations' next turns, and dispatch to a replica through the router.
public sealed partial class ServingCluster
{
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
        if (_clientCap > 0)
        {
            // A capped client decides at the send time whether a slot is free, so the event fires then, not at the engine.
            _simulator.ScheduleAt(clientNow + gap, this, ClientSendEvent);
            return;
        }

        _simulator.ScheduleAt(_nextArrivalAt, this, ArrivalEvent);
    }

    /// <summary>A capped client's request falls due: sent now if fewer than the cap are in flight, else held for the next slot.</summary>
    private void SendOrHold(Simulator simulator)
    {
        long now = simulator.Now;
        _nextArrivalAt = long.MaxValue;
        if (_clientInFlight < _clientCap)
        {
            _clientInFlight++;
            Arrive(simulator, now, throughFrontEnd: false);
        }
        else
        {
            _heldSends++;
        }

        ScheduleNextOpenArrival(now);
    }

    /// <summary>A capped client's request has ended (answered, dropped or given up): a held one takes its slot at once.</summary>
    private void ReleaseClientSlot(long now)
    {
        if (_clientCap == 0)
        {
            return;
        }

        if (_heldSends > 0)
        {
            _heldSends--;
            _simulator.ScheduleAt(now, this, ClosedLoopArrival);   // sent as a closed loop's next request is: through the front end
        }
        else
        {
            _clientInFlight--;
        }
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
            // The engine stops a sequence at its context (vLLM's finish reason "length"), so thinking is cut there; an answer
            // that does not fit with its prompt is refused at dispatch as any request is.
            RequestPlan plan = _planner.Next();
            plan = plan with { ThinkingTokens = Math.Min(plan.ThinkingTokens, Math.Max(0, _contextLimit - prompt - output)) };
            output += plan.ThinkingTokens;
            group = _groups!.Open(now, plan, prompt, output);
        }

        int id = _requests.Add(now, prompt, output, group: group);   // split for prefill where it is routed, if there
        PromptIdentity identity = _source.Identity;
        int conversation = -1;
        if (_conversations is not null)
        {
            conversation = _conversations.Start(_scenario.Conversations!.Turns, identity, output);
            identity = _conversations.Identity(conversation);
        }

        _requests.SetIdentity(id, identity);
        if (_classDraws is not null)
        {
            int c = _source.Class >= 0 ? _source.Class : DrawClass();
            if (c >= _scenario.Classes.Count)
            {
                throw new ArgumentException($"a traced request names class {c}, but the scenario has {_scenario.Classes.Count} classes");
            }

            _requests.SetClass(id, c, _scenario.Classes[c].Priority);
            if (conversation >= 0)
            {
                _conversations!.SetClass(conversation, c);   // its later turns are of its class too
            }
        }

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

    /// <summary>The class of the next request: the first whose cumulative share exceeds a uniform draw (the last takes rounding's remainder).</summary>
    private int DrawClass()
    {
        double u = _classDraws!.NextDouble();
        int c = 0;
        while (c < _classBounds.Length - 1 && u >= _classBounds[c])
        {
            c++;
        }

        return c;
    }

    /// <summary>
    /// The key a request's answer is cached under: its prompt's, when equal prompts are equal questions; −1 otherwise
    /// (and for a prefill side, which answers nothing: its decode side's answer is stored).
    /// </summary>
    private long ResponseKey(int id) =>
        ClientIdentity(id) is { Conversation: false, PromptKey: >= 0 } identity && _requests.Group(id) < 0 && _requests.Stage(id) != RequestStage.Prefill
            ? identity.PromptKey
            : -1;

    /// <summary>
    /// What the client's prompt shares with others: the request's own identity, or for a decode side the identity its
    /// prefill side was sent with (the decode side's own is that too where the decode replicas cache prefixes, else
    /// unique: it then neither looks up nor fills a prefix cache).
    /// </summary>
    private PromptIdentity ClientIdentity(int id) =>
        _requests.Stage(id) == RequestStage.Decode && id < _sentAs.Length ? _sentAs[id] : _requests.Identity(id);

    private void AnswerFromCache(long now, int id)
    {
        Metrics.ResponseCacheHits++;
        _requests.MarkFirstToken(id, now);
        Metrics.RecordCompletion(_requests, id, now);
        TotalCompleted++;
        _lastCompletion = now;
        _requests.Release(id);
        ReleaseClientSlot(now);   // answered: a capped client's slot is free
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
        PromptIdentity identity = ClientIdentity(requestId);
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
        if (_classDraws is not null)
        {
            int c = _conversations.Class(s);
            _requests.SetClass(id, c, _scenario.Classes[c].Priority);
        }
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
        (Replica replica, Replica? decoder, bool local) = Route(id, output > 1);
        bool withinContext = replica.WithinContext(prompt, output);
        if (!withinContext && !_scenario.ClientSendsMaxTokens && prompt < replica.ContextLimit)
        {
            // No max_tokens in the request: the server fills in what its context leaves, and the answer ends there.
            output = replica.ContextLimit - prompt;
            _requests.CapOutput(id, output);
            Metrics.CutAtContext++;
            withinContext = true;
        }

        if (!withinContext || !replica.CanEverFit(prompt, output))
        {
            // Refused: longer than the server's context (the engines answer with an error), or never to fit its KV cache.
            Metrics.OverContext += withinContext ? 0 : 1;
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

        _units?.Dispatched(id, replica);
        if (local)
        {
            Metrics.LocalPrefills++;   // prefilled where it decodes: no hand-off
        }
        else if (output > 1 && (_scenario.Disaggregation is not null || (_units?.HandsOff(replica) ?? false)))
        {
            _requests.SplitForPrefill(id);   // a prefill replica: the first token here, the rest where its KV cache goes
            if (decoder is not null)
            {
                Metrics.RemotePrefills++;
                DecodeOn(id, decoder);
            }
        }

        replica.Enqueue(simulator, id);
    }

    /// <summary>
    /// Where request <paramref name="id"/> goes: the replica it is enqueued on and, under a conditional split, the decode
    /// replica chosen for it and whether it is prefilled there (<paramref name="decodes"/>: it has tokens to decode after
    /// its first). A fixed fleet's conditional split chooses the decode replica first, as Dynamo's disaggregated router
    /// does, and routes to a prefill replica only a request it sends there; an elastic fleet's router chooses among single
    /// replicas and units' prefill replicas, and a conditional unit's placement then chooses the decode replica.
    /// </summary>
    private (Replica Replica, Replica? Decoder, bool Local) Route(int id, bool decodes)
    {
        Replica? decoder = null;
        if (_units is null && decodes && _scenario.Disaggregation is { IsConditional: true } split)
        {
            decoder = ChooseDecodeReplica(0, id);
            if (PrefillsHere(split, decoder, id, placement: -1))
            {
                return (decoder, decoder, true);
            }
        }

        Replica routed = _prefillPool[_router.Choose(_entries ?? (IReadOnlyList<IReplicaLoad>)_prefillPool, new RouteRequest(_requests.Identity(id), _requests.Prompt(id)))];
        if (_units is not null && decodes && _units.HandsOff(routed) && _units.PlacementOf(routed) is var placement
            && _placements[placement].Split is { IsConditional: true } rule)
        {
            // A unit's decode replicas taking work are its placement's pool, never empty while one of its prefill replicas is routed to.
            decoder = ChooseDecodeReplica(placement, id);
            if (PrefillsHere(rule, decoder, id, placement))
            {
                return (decoder, decoder, true);
            }
        }

        return (routed, decoder, false);
    }

    /// <summary>Whether <paramref name="split"/>'s conditions keep request <paramref name="id"/> on <paramref name="decoder"/>, its prefill too (<paramref name="placement"/>: whose prefill queue counts, as <see cref="PrefillQueue"/>).</summary>
    private bool PrefillsHere(Disaggregation split, Replica decoder, int id, int placement) =>
        !split.PrefillsRemotely(_requests.Prompt(id), UncachedOn(decoder, id), PrefillQueue(placement));

    /// <summary>
    /// The decode replica of placement <paramref name="placement"/> for request <paramref name="id"/>, chosen by its decode
    /// router before the KV cache lands: by a conditional split at dispatch (whether to prefill there rests on what that
    /// replica's prefix cache holds of the prompt), and where decode replicas cache prefixes when the prefill ends (what
    /// their cache holds decides what crosses the link).
    /// </summary>
    private Replica ChooseDecodeReplica(int placement, int id)
    {
        List<Replica> decoders = _decodePools[placement]!;
        return decoders[_decodeRouters[placement]!.Choose(decoders, new RouteRequest(_requests.Identity(id), _requests.Prompt(id)))];
    }

    /// <summary>Prompt tokens of request <paramref name="id"/> that <paramref name="replica"/>'s prefix cache does not hold.</summary>
    private int UncachedOn(Replica replica, int id)
    {
        int prompt = _requests.Prompt(id);
        return Math.Max(0, prompt - (replica.CachedPrefixBlocks(_requests.Identity(id), prompt) * replica.Model.Deployment.KvBlockTokens));
    }

    /// <summary>
    /// Requests waiting at the prefill replicas taking work (Dynamo's prefill queue): a fixed fleet's (<paramref name="placement"/>
    /// −1), or the units' of an elastic fleet's placement.
    /// </summary>
    private int PrefillQueue(int placement)
    {
        int waiting = 0;
        foreach (Replica replica in _prefillPool)
        {
            if (placement < 0 || (_units!.HandsOff(replica) && _units.PlacementOf(replica) == placement))
            {
                waiting += replica.Waiting;
            }
        }

        return waiting;
    }

    /// <summary>
    /// Records that request <paramref name="id"/> decodes on <paramref name="replica"/> (null: where its router sends it when
    /// its KV cache lands), moving the expectation of a hand-off from the replica it was bound to, if any.
    /// </summary>
    private void DecodeOn(int id, Replica? replica)
    {
        if (id >= _decodeFor.Length)
        {
            if (replica is null)
            {
                return;
            }

            Array.Resize(ref _decodeFor, Math.Max(id + 1, Math.Max(64, _decodeFor.Length * 2)));
        }

        _decodeFor[id]?.HandOffLanded();
        replica?.ExpectHandOff();
        _decodeFor[id] = replica;
    }
}
