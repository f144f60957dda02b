using ClusterSim.Core.Engine;
using ClusterSim.Core.Inference.Routing;
using ClusterSim.Core.Inference.Workload;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Inference;

// A request's milestones as its replica reports them: first token, completion, expiry, drop, and the prefill-to-decode hand-off of a disaggregated pair.
public sealed partial class ServingCluster
{
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
        ReleaseClientSlot(now);
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
        if (_requests.Stage(requestId) != RequestStage.Prefill)
        {
            JoinSiblings(replica, requestId, now);
        }

        // A prefill side's samples join its decode side, where its KV cache lands (StartDecode).
    }

    /// <summary>
    /// The first sample of a test-time group has its first token on <paramref name="replica"/>, where it decodes: the
    /// other samples join it there, sharing its prompt's KV cache, and start decoding without a prefill.
    /// </summary>
    private void JoinSiblings(Replica replica, int requestId, long now)
    {
        int group = _requests.Group(requestId);
        int siblings = _groups!.TakeSiblings(group);
        int prompt = _groups.Prompt(group), output = _groups.Output(group);
        for (int k = 0; k < siblings; k++)
        {
            Metrics.Arrived++;
            int id = _requests.Add(_groups.Arrival(group), prompt, output, sharedPrefix: prompt, group: group);
            _requests.SetClass(id, _requests.Class(requestId), _requests.Priority(requestId));   // a sample is of its first's class
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
        DecodeOn(requestId, null);   // a prefill side bound to a decode replica will not hand off
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
        if (_conversations is not null && ClientIdentity(requestId) is { Conversation: true } identity)
        {
            _conversations.Close((int)identity.PromptKey);
        }
    }

    /// <summary>The prefill side finished: the decode side is registered now and starts when its KV cache has crossed the link.</summary>
    private void HandOff(int prefillId)
    {
        int prompt = _requests.Prompt(prefillId);
        int output = _requests.FullOutput(prefillId);
        int id = _requests.Add(_requests.Arrival(prefillId), prompt, output, group: _requests.Group(prefillId), stage: RequestStage.Decode, transferred: prompt);
        _requests.SetFirstToken(id, _requests.FirstToken(prefillId));
        _requests.SetClass(id, _requests.Class(prefillId), _requests.Priority(prefillId));
        _requests.SetDelivered(id, 1);
        if (_answers is not null || _conversations is not null)
        {
            SentAs(id, _requests.Identity(prefillId));   // the answer is cached, or the conversation goes on, when this side finishes
        }

        Replica? chosen = prefillId < _decodeFor.Length ? _decodeFor[prefillId] : null;   // a conditional split's, chosen at dispatch
        DecodeOn(prefillId, null);   // (bound again below, by the decode side's id)

        _units?.HandedOff(prefillId, id);
        int p = _units?.PlacementOfRequest(prefillId) ?? 0;
        FleetPlacement placement = _placements[p];
        ReplicaGroup decoders = _scenario.Replicas[placement.DecodeGroup];   // the decode replicas' shape
        int crossing = prompt;
        if (decoders.Scheduler.PrefixCaching)
        {
            // Decode replicas that cache prefixes look the prompt up and keep what arrives, as vLLM's KV connectors do: only
            // the blocks the decode replica's cache lacks cross the link, so the decode replica is chosen now, by what its
            // cache holds when the prefill ends (bound to it, a hand-off counts among what it holds, so an elastic fleet
            // does not give its unit back before the cache lands). An elastic fleet whose placement has no decode replica
            // taking work chooses when the cache lands, among the unit's own, and sends the whole prompt.
            PromptIdentity client = _requests.Identity(prefillId);
            _requests.SetIdentity(id, client);
            if (chosen is null && _decodePools[p]!.Count > 0)
            {
                chosen = ChooseDecodeReplica(p, prefillId);
            }

            if (chosen is not null)
            {
                crossing -= chosen.CachedPrefixBlocks(client, prompt) * decoders.Deployment.KvBlockTokens;
            }
        }

        DecodeOn(id, chosen);
        double seconds = placement.Split!.TransferSeconds(crossing, decoders.Deployment.Model.KvBytesPerToken(decoders.Deployment.KvCache));
        _simulator.Schedule(Math.Max(1, SimTime.FromSeconds(seconds)), this, KvTransferDone, id);
    }

    /// <summary>Records that decode side <paramref name="id"/> answers a request sent with <paramref name="identity"/>.</summary>
    private void SentAs(int id, PromptIdentity identity)
    {
        if (id >= _sentAs.Length)
        {
            Array.Resize(ref _sentAs, Math.Max(id + 1, Math.Max(64, _sentAs.Length * 2)));
        }

        _sentAs[id] = identity;
    }

    private void StartDecode(Simulator simulator, int id)
    {
        int placement = 0;
        IReadOnlyList<Replica> pool = _decodePools[0]!;
        if (_units is not null)
        {
            int from = _units.Landed(id);
            placement = _units.PlacementOf(from);
            pool = _decodePools[placement]!;
            if (pool.Count == 0)
            {
                pool = _units.DecodeOf(from);   // no decode replica of its placement takes work: the unit the cache left, held until it landed
            }
        }

        Replica replica = id < _decodeFor.Length && _decodeFor[id] is { } chosen ? chosen
            : pool[_decodeRouters[placement]!.Choose(pool, new RouteRequest(_requests.Identity(id), _requests.Prompt(id)))];
        DecodeOn(id, null);
        int group = _requests.Group(id);
        if (!replica.CanEverFit(_requests.Prompt(id), _requests.Output(id)))
        {
            Metrics.Dropped++;
            _requests.Release(id);
            if (group >= 0)
            {
                _groups!.DropAll(group);
            }

            OnDropped(simulator.Now);
            return;
        }

        replica.Enqueue(simulator, id);
        if (group >= 0)
        {
            JoinSiblings(replica, id, simulator.Now);   // a test-time group's other samples decode beside its first, sharing its prompt
        }
    }

    private void OnDropped(long now)
    {
        ReleaseClientSlot(now);
        if (_source.IsClosedLoop && _generated < _scenario.MaxRequests)
        {
            _generated++;
            _simulator.ScheduleAt(now + Math.Max(1, _source.NextThinkNanos()), this, ClosedLoopArrival);
        }
    }
}
