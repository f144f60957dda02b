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
        while (_waiting.Count > 0 && _batch.Count < _scheduler.MaxSequences)
        {
            int id = (int)_waiting.Peek();
            if (timeout != long.MaxValue && now - _requests.Arrival(id) > timeout)
            {
                // Its client has given up: the server drops it when it comes to the head of the queue.
                _waiting.Dequeue();
                _queuedAt.Dequeue();
                _host.OnExpired(id, now);
                continue;
            }

            if (lateAfter != long.MaxValue && _queuedAt.Peek() > lateAfter)
            {
                break;   // it came while the step that just ended ran: the step now starting was formed without it
            }

            int delivered = _requests.Delivered(id);
            int promptLength = _requests.Prompt(id) + delivered;
            KvAdmission plan = _kv.Plan(id, reserveWhole: !_growsKv);
            if (plan.Need > _kv.Free)
            {
                break;
            }

            _waiting.Dequeue();
            _queuedAt.Dequeue();
            // Blocks found in host memory are copied back before the step can use them.
            _pendingLoadSeconds += _kv.Admit(id, plan);
            if (_kv.Cache is not null)
            {
                _metrics.RecordPrefixLookup(_requests.Prompt(id), (plan.Hit + plan.Loaded) * _blockTokens, plan.Loaded * _blockTokens);
            }

            int shared = plan.Shared;
            // The sequence's own blocks: the pinned ones are the cache's.
            _batch.Append(id, promptLength, delivered, _requests.Output(id), plan.Need - plan.Pin - plan.Window, now, shared, shared + (plan.Loaded * _blockTokens) + _requests.Transferred(id));
            if (!_batch.IsDecoding(_batch.Count - 1))
            {
                _prefilling++;
            }
            // A sibling whose whole prompt is shared starts decoding at once; its first token is marked by a single iteration.
            _pendingFirstToken |= shared >= promptLength && _requests.FirstToken(id) < 0;
        }
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
