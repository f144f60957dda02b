using System.Diagnostics;
using ClusterSim.Core.Engine;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Inference;

// Prefill stretches: chunked prefill of the waiting prompts beside running decodes, planned and committed as one event.
public sealed partial class Replica
{
    /// <summary>
    /// Chunked prefill of the waiting prompts beside running decodes, then the decodes that follow, as one event: every
    /// iteration the prompts share the budget the decodes leave (<see cref="PrefillStretch"/>), so while no request can
    /// join, none finishes and the blocks already free cover the growth, each iteration's shape is known in advance.
    /// Prefix caching, host KV loads, sampled routing, sibling groups (whose first token the host acts on) and a cap on a
    /// prompt's chunk (data-parallel attention: several prompts then prefill at once and may finish out of batch order,
    /// which the commit's gap runs do not follow) keep to one event per iteration.
    /// </summary>
    private bool TryStartPrefillStretch(long now, int firstChunks)
    {
        int n = _batch.Count;
        StretchHorizon horizon = Horizon();
        if (_scheduler.Kind != SchedulerKind.ChunkedPrefill || _experts is not null || _kv.Cache is not null || _pendingFirstToken
            || _pendingLoadSeconds > 0 || _scheduler.MaxBatchedTokens <= n - 1 || _scheduler.MaxChunkTokens > 0 || WithinOneIteration(horizon, now) || !AdmissionBlocked())
        {
            return false;   // (with at most MaxBatchedTokens − n + 1 of budget left to prompts, one always gets a chunk)
        }

        // No sequence finishes before the last iteration (a prompt's own first token counts among its outputs), and
        // n·⌈k/b⌉ free blocks cover any growth (the prompts' own blocks were taken on admission).
        int k = (int)Math.Min(_batch.MinRemaining(), (long)_blockTokens * (_kv.Free / n));
        if (k < 2)
        {
            return false;
        }

        PrefillStretch stretch = _stretch;
        stretch.Begin(_batch);
        for (int q = 0; q < stretch.Count; q++)
        {
            if (_requests.Group(_batch.Request[stretch.Index(q)]) >= 0)
            {
                stretch.Clear();
                return false;
            }
        }

        if (_macroDurations.Length < k)
        {
            _macroDurations = new long[Math.Max(k, _macroDurations.Length * 2)];
        }

        long contextSum = _batch.ContextSum;
        long total = 0;
        int j = 0;
        bool cut = false;
        for (; j < k && stretch.Prefilling > 0; j++)
        {
            // The shape BeginIteration forms, from the prompts still prefilling (the others decode since their first token).
            int decoders = stretch.Decoders;
            int chunks = stretch.Plan();
            Debug.Assert(j > 0 || chunks == firstChunks, "the first iteration's chunks are those the scheduler planned");
            var chunked = new ChunkedShape(contextSum, _unevenChunkRanks);
            for (int q = 0; q < stretch.Count; q++)
            {
                if (stretch.FirstTokenAt(q) == int.MaxValue)
                {
                    chunked.AddPrompt(stretch.Chunk(q), stretch.Prefilled(q));
                }
            }

            IterationCost cost = _model.Iteration(chunked.WithDecodes(decoders));
            long d = Math.Max(1, cost.Nanos);
            _macroDurations[j] = cost.ComputeBound ? -d : d;
            contextSum += chunks + decoders + stretch.Complete(j);   // each prompt's first token ends its last chunk
            total += d;
            if (horizon.StopsAfter(now + total - d, now + total))
            {
                k = j + 1;
                cut = true;
                break;
            }
        }

        if (!cut && k > j)
        {
            // Then everyone decodes, the prompts' sequences too.
            total = TimeDecodeRun(now, contextSum, horizon, ref k, from: j, total);
        }

        if (k < 2)
        {
            stretch.Clear();
            return false;
        }

        _macroIterations = k;
        _macroEnd = now + total;
        _endEvent = _simulator!.ScheduleAt(_macroEnd, this, IterationEnd, Id, EventPriority.IterationEnd);
        return true;
    }

    /// <summary>Applies a prefill stretch's iterations as stepping them one at a time would have.</summary>
    private void CommitPrefillStretch(long now)
    {
        PrefillStretch stretch = _stretch;
        int k = _macroIterations;
        int n = _batch.Count;
        long firstEnd = _iterationStart + Math.Abs(_macroDurations[0]);
        RecordGapRuns(firstEnd, n, decodingOnly: true);   // the prompts are still prefilling in the first iteration
        ReadOnlySpan<long> durations = _macroDurations.AsSpan(0, k);

        // An iteration's gaps: one per sequence that had a token before it, the decoders' and each prompt's after its first.
        int weight = n - stretch.Count;
        int from = 1;
        for (int q = 0; q < stretch.Count && stretch.FirstTokenAt(q) < k - 1; q++)
        {
            int to = stretch.FirstTokenAt(q) + 1;
            if (to > from)
            {
                RecordGaps(durations, from, to, weight, rising: false);
                from = to;
            }

            weight++;
        }

        // After the last prompt's first token only decodes run, their contexts growing: the durations never decrease.
        RecordGaps(durations, from, k, weight, rising: from > stretch.FirstTokenAt(stretch.Count - 1));
        _metrics.ComputeBoundNanos += SignedNanos.SumOfNegatives(durations);
        Debug.Assert(EndOf(durations) == now, "a prefill stretch ends when its last iteration does");

        _batch.AdvanceDecoding(k);   // the sequences that decoded from the start
        for (int q = 0; q < stretch.Count; q++)
        {
            int p = stretch.Index(q);
            _batch.Chunk[p] = 0;
            int f = stretch.FirstTokenAt(q);
            if (f >= k)
            {
                _batch.AddPrefill(p, stretch.GrownBy(q, k));
                continue;
            }

            int id = _batch.Request[p];
            _batch.AddPrefill(p, stretch.LeftAtStart(q));
            _prefilling--;
            _kv.PromptComputed(id);
            _batch.GenerateOne(p);
            _requests.MarkFirstToken(id, EndOf(durations[..(f + 1)]));
            _batch.Generate(p, k - 1 - f);
        }

        _batch.StampAll(now);
        _metrics.Iterations += k;
        _mayHaveFinished = true;   // the smallest remaining count bounded k, so a sequence may be done
        _macroIterations = 0;
        stretch.Clear();
    }

    /// <summary>Records iterations <paramref name="from"/> to <paramref name="to"/> − 1's gaps, <paramref name="weight"/> tokens each (<paramref name="rising"/>: their durations never decrease).</summary>
    private void RecordGaps(ReadOnlySpan<long> durations, int from, int to, int weight, bool rising)
    {
        if (weight > 0 && to > from)
        {
            _metrics.RecordInterTokenRun(durations[from..to], weight, EndOf(durations[..from]), rising);
        }
    }
}
