using System.Diagnostics;

namespace ClusterSim.Core.Inference;

// The end of one iteration: tokens emitted, prefill chunks finished, inter-token gaps recorded, finished sequences retired, the KV cache grown (preempting when it cannot).
public sealed partial class Replica
{
    private void ApplyIteration(long now)
    {
        if (!_decodesRun)
        {
            // A prefill-only iteration (continuous or static batching): only sequences with a prompt chunk change.
            FinishChunks(now);
            return;
        }

        // Decodes, alongside any prompt chunks (chunked prefill): decoding sequences advance in one vectorised pass and
        // their gaps are recorded in runs, then the chunks are applied. Stamping the prefilling sequences too is
        // harmless: nothing reads their last token before the chunk that ends their prompt sets it.
        bool allDecode = _decodeOnlyIteration;
        int sameInstant = 0;   // tokens beyond each decoder's first of the step: they arrive with it, no gap before them
        if (_model.Speculative is null)
        {
            _mayHaveFinished |= (allDecode ? _batch.AdvanceAll(1) : _batch.AdvanceDecoding()) <= 0;
        }
        else
        {
            int decoders = _batch.Count - _prefilling;
            _mayHaveFinished |= _batch.AdvanceDecodingToTargets(_emit, out int advanced) <= 0;
            sameInstant = advanced - decoders;
            if (_speculating)
            {
                _decodeSteps++;   // the schedule counts the steps that speculated
                _speculating = false;
            }
        }

        RecordGapRuns(now, _batch.Count, decodingOnly: !allDecode);
        if (sameInstant > 0)
        {
            _metrics.RecordInterToken(0, sameInstant, now);
        }
        if (_pendingFirstToken)
        {
            MarkPendingFirstTokens(now);
        }

        _batch.StampAll(now);
        if (!allDecode)
        {
            FinishChunks(now);
        }
    }

    /// <summary>
    /// Siblings whose whole prompt was shared started decoding without a prefill: the token they just produced is their
    /// first. Every decoding sequence has now produced one, so none is left pending.
    /// </summary>
    private void MarkPendingFirstTokens(long now)
    {
        for (int i = 0; i < _batch.Count; i++)
        {
            if (_batch.IsDecoding(i))
            {
                _requests.MarkFirstToken(_batch.Request[i], now);
            }
        }

        _pendingFirstToken = false;
    }

    /// <summary>Applies every prompt chunk of the iteration (the prefilling sequences are found by vector masks).</summary>
    private void FinishChunks(long now)
    {
        foreach (int i in _batch.Selected(Selection.Prefilling))
        {
            if (_batch.Chunk[i] > 0)
            {
                FinishChunk(i, now);
            }
        }
    }

    /// <summary>Sequence <paramref name="i"/> prefilled its chunk; when that ends its prompt, it emits its first token.</summary>
    private void FinishChunk(int i, long now)
    {
        _batch.AddPrefill(i, _batch.Chunk[i]);
        _batch.Chunk[i] = 0;
        if (_batch.IsDecoding(i))
        {
            _prefilling--;
            _kv.PromptComputed(_batch.Request[i]);
            _mayHaveFinished |= _batch.GenerateOne(i) >= _batch.Target[i];
            _requests.MarkFirstToken(_batch.Request[i], now);
            if (_requests.Group(_batch.Request[i]) >= 0)
            {
                _host.OnFirstToken(this, _batch.Request[i], now);
            }

            _batch.Stamp(i, now);
        }
    }

    /// <summary>
    /// Records the gap from each of the first <paramref name="n"/> sequences' last token (decoding ones only, if asked) to a
    /// token at <paramref name="at"/>, consecutive equal gaps as one weighted update (all that decoded in the previous
    /// iteration share one, as do all that waited out a prefill).
    /// </summary>
    private void RecordGapRuns(long at, int n, bool decodingOnly = false)
    {
        if (n == _batch.Count && !_pendingFirstToken)
        {
            if (_batch.LastTokensAllEqual())
            {
                // One run: every sequence (every decoding one, if asked) waited from the same token.
                int tokens = decodingOnly ? n - _prefilling : n;
                if (tokens > 0)
                {
                    _metrics.RecordInterToken(at - _batch.LastToken[0], tokens, at);
                }

                return;
            }

            if (decodingOnly && _batch.DecodingLastTokensEqual(out long from))
            {
                // One run too: the decoding sequences share a token, and only the prompts still prefilling differ.
                _metrics.RecordInterToken(at - from, n - _prefilling, at);
                return;
            }
        }

        long[] last = _batch.LastToken;
        bool skipFirstTokens = _pendingFirstToken;   // a first token has no gap before it
        long runFrom = -1;
        int runLength = 0;
        for (int i = 0; i < n; i++)
        {
            if ((decodingOnly && !_batch.IsDecoding(i)) || (skipFirstTokens && _requests.FirstToken(_batch.Request[i]) < 0))
            {
                continue;
            }

            if (last[i] != runFrom)
            {
                if (runLength > 0)
                {
                    _metrics.RecordInterToken(at - runFrom, runLength, at);
                }

                runFrom = last[i];
                runLength = 0;
            }

            runLength++;
        }

        if (runLength > 0)
        {
            _metrics.RecordInterToken(at - runFrom, runLength, at);
        }
    }

    private void RetireFinished(long now)
    {
        _mayHaveFinished = false;
        int finished = 0;
        foreach (int i in _batch.Selected(Selection.Finished))
        {
            _finished[finished++] = i;
        }

        // In admission order, as the engine retires them (the cache's recency and the host's callbacks follow it).
        Span<int> retired = _finished.AsSpan(0, finished);
        _batch.OrderByAdmission(retired);
        foreach (int i in retired)
        {
            int id = _batch.Request[i];
            if (!_batch.IsDecoding(i))
            {
                _prefilling--;
            }

            _kv.Release(id, _batch.Blocks[i], finished: true);
            if (_requests.Stage(id) != RequestStage.Prefill)
            {
                _metrics.RecordCompletion(_requests, id, now);
                _observer?.OnRequest(Id, _requests.Arrival(id), _requests.FirstToken(id), now, _requests.Prompt(id), _requests.Output(id));
            }
            else
            {
                _observer?.OnHandOff(Id, _requests.Arrival(id), _requests.FirstToken(id), now, _requests.Prompt(id), _requests.Output(id));
            }
            _host.OnCompleted(id, now);
            _requests.Release(id);
        }

        if (_prefilling == 0)
        {
            _batch.NoPrompts();
        }

        _batch.RemoveFinished(retired);

        Debug.Assert(_kv.Free >= 0 && _kv.Free <= TotalBlocks, "KV blocks stay within capacity");
    }

    private void GrowKvOrPreempt()
    {
        if (!_growsKv)
        {
            return;
        }

        // The common case: there are enough free blocks for every sequence that outgrew its own (by one block after an
        // iteration, by several after a macro-step).
        int grown = _batch.TryGrowEach(_kv.Free);
        if (grown >= 0)
        {
            _kv.Take(grown);
            return;
        }

        // Short of blocks, sequences grow in turn and the latest is preempted first: in admission order.
        _batch.SortByAdmission();
        if (_scheduler.Policy == SchedulingPolicy.Priority)
        {
            GrowOrPreemptByPriority();
            return;
        }

        // Otherwise one by one, in batch order, preempting from the back: a vector compare per 8 sequences finds them.
        foreach (int i in _batch.Selected(Selection.NeedsBlock))
        {
            if (i >= _batch.Count)
            {
                return;   // preemption removed the rest of this vector
            }

            if (!_batch.IsDecoding(i))
            {
                continue;
            }

            int extra = _kv.BlocksFor(_batch.Context(i) - _batch.Shared[i]) - _batch.Blocks[i];
            while (extra > _kv.Free && _batch.Count - 1 > i)
            {
                PreemptLast();
            }

            if (extra > _kv.Free)
            {
                PreemptLast();   // i itself is now the last sequence
                return;
            }

            _kv.Take(extra);
            _batch.AddBlocks(i, extra);
        }
    }

    /// <summary>
    /// One by one, in batch order, each sequence that outgrew its blocks takes one; while there are too few, the least
    /// urgent running sequence — the highest priority value, the latest arrival among equals, perhaps the one growing — is
    /// preempted (vLLM's priority policy). A sequence that gave way itself leaves the others to try: vLLM would hold
    /// them out of that step instead, which a step here, once timed, cannot do.
    /// </summary>
    private void GrowOrPreemptByPriority()
    {
        for (int i = 0; i < _batch.Count; i++)
        {
            if (!_batch.IsDecoding(i))
            {
                continue;
            }

            int extra = _kv.BlocksFor(_batch.Context(i) - _batch.Shared[i]) - _batch.Blocks[i];
            if (extra <= 0)
            {
                continue;
            }

            bool gaveWay = false;
            while (extra > _kv.Free)
            {
                int victim = LeastUrgent();
                Preempt(victim);
                gaveWay = victim == i;
                if (victim <= i)
                {
                    i--;   // the sequence (or, when it gave way, the next one) moved down a place
                }

                if (gaveWay)
                {
                    break;
                }
            }

            if (!gaveWay)
            {
                _kv.Take(extra);
                _batch.AddBlocks(i, extra);
            }
        }
    }

    /// <summary>The running sequence preempted first by priority: the highest priority value, then the latest arrival (the first such in batch order).</summary>
    private int LeastUrgent()
    {
        int worst = 0;
        for (int i = 1; i < _batch.Count; i++)
        {
            if (Sooner(_batch.Request[worst], _batch.Request[i]))
            {
                worst = i;
            }
        }

        return worst;
    }

    private void PreemptLast() => Preempt(_batch.Count - 1);

    /// <summary>Preempts the sequence at batch index <paramref name="index"/>: its blocks are freed and it waits to be recomputed.</summary>
    private void Preempt(int index)
    {
        if (!_batch.IsDecoding(index))
        {
            _prefilling--;
        }

        int id = _batch.Request[index];
        _kv.Release(id, _batch.Blocks[index], finished: false);
        _requests.SetDelivered(id, _batch.Generated[index]);
        _requests.ClearTransferred(id);
        Queue(id, long.MinValue);   // it was running: the next step may take it back
        if (index == _batch.Count - 1)
        {
            _batch.RemoveLast();
        }
        else
        {
            _batch.RemoveAll([index]);   // the batch is in admission order here (sorted before growing in turn): the others keep it
        }

        _metrics.Preemptions++;
        _metrics.Classes?[_requests.Class(id)].RecordPreemption();
    }
}
