using System.Diagnostics;

namespace ClusterSim.Core.Inference;

// Admission: which waiting requests join the running batch at an iteration boundary, and what blocks them.
public sealed partial class Replica
{
    private void Admit(long now, long lateAfter)
    {
        if (!_batching.JoinsRunningBatch && _batch.Count > 0)
        {
            return;
        }

        // An engine left with nothing to run forms its next step from everything waiting, late or not.
        if (_batch.Count == 0)
        {
            lateAfter = long.MaxValue;
        }

        long timeout = _host.ClientTimeoutNanos;
        bool byPriority = _scheduler.Policy == SchedulingPolicy.Priority;
        int k = 0;   // the queue position looked at: past the head only for requests a priority queue passes over as late
        while (k < _waiting.Count && _batch.Count < _scheduler.MaxSequences)
        {
            int id = (int)(k == 0 ? _waiting.Peek() : _waiting.At(k));
            if (timeout != long.MaxValue && now - _requests.Arrival(id) > timeout)
            {
                // Its client has given up: the server drops it when it comes to be scheduled.
                TakeWaiting(k);
                _host.OnExpired(id, now);
                continue;
            }

            if (lateAfter != long.MaxValue && (k == 0 ? _queuedAt.Peek() : _queuedAt.At(k)) > lateAfter)
            {
                // It came while the step that just ended ran: the step now starting was formed without it. In arrival
                // order everything behind it came later still; by priority, requests behind it may have come earlier.
                if (!byPriority)
                {
                    break;
                }

                k++;
                continue;
            }

            int delivered = _requests.Delivered(id);
            int promptLength = _requests.Prompt(id) + delivered;
            KvAdmission plan = _kv.Plan(id, reserveWhole: !_growsKv);
            if (plan.Need > _kv.Free)
            {
                break;
            }

            TakeWaiting(k);
            // Blocks found in host memory are copied back before the step can use them.
            _pendingLoadSeconds += _kv.Admit(id, plan);
            if (_kv.Cache is not null)
            {
                _metrics.RecordPrefixLookup(_requests.Prompt(id), (plan.Hit + plan.Loaded) * _blockTokens, plan.Loaded * _blockTokens);
            }

            int shared = plan.Shared;
            // Computed already: a hand-off's whole prompt (its cached start among it: the link brought the rest), else
            // the cache's hit and the blocks loaded from host memory.
            int transferred = _requests.Transferred(id);
            int computed = transferred > 0 ? transferred : shared + (plan.Loaded * _blockTokens);
            // The sequence's own blocks: the pinned ones are the cache's.
            _batch.Append(id, promptLength, delivered, _requests.Output(id), plan.Need - plan.Pin - plan.Window, now, shared, computed);
            if (!_batch.IsDecoding(_batch.Count - 1))
            {
                _prefilling++;
            }
            // A sibling whose whole prompt is shared starts decoding at once; its first token is marked by a single iteration.
            _pendingFirstToken |= shared >= promptLength && _requests.FirstToken(id) < 0;
        }
    }

    /// <summary>
    /// Queues a request that joined the queue at <paramref name="queuedAt"/> (a preempted one: <c>long.MinValue</c>) and
    /// returns its place: at the tail in arrival order, or behind every request of a lower or equal priority value that
    /// came no later (vLLM's priority queue orders by priority, then arrival). A preempted request goes back to the head
    /// under FCFS, as vLLM's does.
    /// </summary>
    private int Queue(int id, long queuedAt)
    {
        if (_scheduler.Policy == SchedulingPolicy.Fcfs)
        {
            if (queuedAt == long.MinValue)
            {
                _waiting.PushFront(id);
                _queuedAt.PushFront(queuedAt);
                return 0;
            }

            _waiting.Enqueue(id);
            _queuedAt.Enqueue(queuedAt);
            return _waiting.Count - 1;
        }

        int k = _waiting.Count;
        while (k > 0 && Sooner(id, (int)_waiting.At(k - 1)))
        {
            k--;
        }

        _waiting.InsertAt(k, id);
        _queuedAt.InsertAt(k, queuedAt);
        return k;
    }

    /// <summary>Whether request <paramref name="a"/> is scheduled before <paramref name="b"/> by priority: a lower value, or the same and an earlier arrival.</summary>
    private bool Sooner(int a, int b)
    {
        int pa = _requests.Priority(a), pb = _requests.Priority(b);
        return pa < pb || (pa == pb && _requests.Arrival(a) < _requests.Arrival(b));
    }

    /// <summary>Takes the request at queue position <paramref name="k"/> out of the queue.</summary>
    private void TakeWaiting(int k)
    {
        if (k == 0)
        {
            _waiting.Dequeue();
            _queuedAt.Dequeue();
            return;
        }

        _waiting.RemoveAt(k);
        _queuedAt.RemoveAt(k);
    }

    /// <summary>Chooses this iteration's prompt chunks; returns their total and sets whether decodes run.</summary>
    private int PlanPrefill()
    {
        Debug.Assert(_prefilling == Enumerable.Range(0, _batch.Count).Count(i => !_batch.IsDecoding(i)), "the prefilling count matches the batch");
        _pendingPrefill = _prefilling > 0;
        return _batching.PlanPrefill(_batch, _prefilling, out _decodesRun);
    }

    /// <summary>No waiting request can join the batch until it changes (none waits, the batch is full, or the head's KV does not fit).</summary>
    private bool AdmissionBlocked() => !_batching.JoinsRunningBatch
        || _waiting.Count == 0
        || _batch.Count >= _scheduler.MaxSequences
        || _kv.Plan((int)_waiting.Peek(), reserveWhole: !_growsKv).Need > _kv.Free;
}
