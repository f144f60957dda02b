using System.Diagnostics;
using System.Runtime.Intrinsics;
using ClusterSim.Core.Engine;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Inference;

// Decode stretches: one event for a run of decode-only iterations in which the batch cannot change, timed and committed as stepping would.
public sealed partial class Replica
{
    private bool TryStartMacroStep(long now)
    {
        int n = _batch.Count;
        StretchHorizon horizon = Horizon();
        if (_pendingPrefill || _pendingFirstToken || WithinOneIteration(horizon, now))
        {
            return false;
        }

        if (!AdmissionBlocked())
        {
            return false;
        }

        // No sequence finishes before k iterations, and n·⌈k/b⌉ free blocks cover any KV growth, so the batch cannot change.
        // Free blocks include evictable cached ones: growing into them evicts the least recently used, and nothing else
        // touches the cache until the stretch ends, so the commit evicts what stepping would have (see CommitMacroStep
        // for the order against the last iteration's completions, and CachedPrefixBlocks for a router looking meanwhile).
        int k = _batch.MinRemaining();
        if (_growsKv)
        {
            k = (int)Math.Min(k, (long)_blockTokens * (_kv.Free / n));
        }

        if (k < 2)
        {
            return false;
        }

        if (_macroDurations.Length < k)
        {
            _macroDurations = new long[Math.Max(k, _macroDurations.Length * 2)];
        }

        if (_experts is not null && _macroRouting.Length < k)
        {
            _macroRouting = new Moe.RoutingOutcome[_macroDurations.Length];
            _macroDense = new long[_macroDurations.Length];
        }

        long contextSum = _batch.ContextSum;
        long total = _experts is null ? TimeDecodeRun(now, contextSum, horizon, ref k) : TimeRoutedDecodeRun(now, contextSum, horizon, ref k);

        if (k < 2)
        {
            return false;
        }

        _macroIterations = k;
        _macroEnd = now + total;
        _endEvent = _simulator!.ScheduleAt(_macroEnd, this, IterationEnd, Id, EventPriority.IterationEnd);
        return true;
    }

    /// <summary>
    /// Times decode iterations <paramref name="from"/> to <paramref name="k"/> − 1 of the unchanged batch, the first with
    /// contexts summing to <paramref name="contextSum"/>, into <c>_macroDurations</c> (the sign carries whether compute
    /// bound them, to avoid a second array), after <paramref name="total"/> ns of earlier ones; stops at the first to end
    /// at or past <paramref name="horizon"/> (or start past it, see <see cref="StretchHorizon"/>), since an arrival would cut
    /// the stretch there anyway. Returns the new total.
    /// </summary>
    private long TimeDecodeRun(long now, long contextSum, StretchHorizon horizon, ref int k, int from = 0, long total = 0)
    {
        int n = _batch.Count;
        DecodeRun run = _model.DecodeRun(n);
        bool negate = run.ComputeBound;   // compute-bound durations are stored negative
        for (int j = from; j < k; j += 4)
        {
            // Four iterations timed at once; the stretch still stops at the first to reach the horizon.
            Vector256<long> four = Vector256.Max(run.Nanos4(contextSum + ((long)(j - from) * n), n), Vector256<long>.One);
            long sum = Vector256.Sum(four);
            if (j + 4 <= k && now + total + sum < horizon.Earliest)
            {
                (negate ? -four : four).CopyTo(_macroDurations, j);   // all four end before the horizon
                total += sum;
                continue;
            }

            for (int lane = 0; lane < 4 && j + lane < k; lane++)
            {
                long d = four[lane];
                _macroDurations[j + lane] = negate ? -d : d;
                total += d;
                if (horizon.StopsAfter(now + total - d, now + total))
                {
                    k = j + lane + 1;
                    return total;
                }
            }
        }

        return total;
    }

    /// <summary>As <see cref="TimeDecodeRun"/>, with a routing draw per iteration (keyed by iteration number, so the draws equal those of stepping one at a time).</summary>
    private long TimeRoutedDecodeRun(long now, long contextSum, StretchHorizon horizon, ref int k)
    {
        int n = _batch.Count;
        long total = 0;
        for (int j = 0; j < k; j++)
        {
            BatchShape shape = BatchShape.Decode(n, contextSum + ((long)j * n));
            _macroRouting[j] = _experts!.Route(n, _routedIterations + j);
            _macroDense[j] = _model.DenseEquivalentNanos(shape);
            IterationCost cost = _model.Iteration(shape, _macroRouting[j]);
            long d = Math.Max(1, cost.Nanos);
            _macroDurations[j] = cost.ComputeBound ? -d : d;
            total += d;
            if (horizon.StopsAfter(now + total - d, now + total))
            {
                k = j + 1;
                break;
            }
        }

        return total;
    }

    /// <summary>
    /// The <paramref name="horizon"/> stops the first iteration started now, whatever its length: a stretch would be cut
    /// to one iteration, so it is not worth timing.
    /// </summary>
    private bool WithinOneIteration(StretchHorizon horizon, long now) => horizon.End - now <= _model.IterationFloorNanos || horizon.Start <= now;

    /// <summary>
    /// When the batch may next change from outside: the next arrival, or — when clients give up — the first instant the
    /// request at the head of the queue has waited past its client's patience (stepping drops it at the first iteration
    /// that starts after that, and may then admit the one behind it). A macro-step stops at the first iteration that
    /// ends at or past it; with async scheduling (and patient clients), past an arrival at the first that starts there,
    /// the end of which is the first boundary that can admit it.
    /// </summary>
    private StretchHorizon Horizon()
    {
        StretchHorizon arrival = Joining(_host.NextArrivalHint);
        long timeout = _host.ClientTimeoutNanos;
        return timeout == long.MaxValue || _waiting.Count == 0 ? arrival
            : arrival with { End = Math.Min(arrival.End, _requests.Arrival((int)_waiting.Peek()) + timeout + 1) };
    }

    /// <summary>
    /// Where a request queued at <paramref name="time"/> can first join: at the end of the step it lands in, or with async
    /// scheduling at the end of the first step to start after it — unless clients may give up, when a queued request may be
    /// dropped at the end of the step it lands in, so the stretch stops there.
    /// </summary>
    private StretchHorizon Joining(long time) => _asyncScheduling && _host.ClientTimeoutNanos == long.MaxValue
        ? new StretchHorizon(long.MaxValue, time)
        : new StretchHorizon(time, long.MaxValue);

    private void ShortenMacroStep(long now)
    {
        if (_macroEnd - Math.Abs(_macroDurations[_macroIterations - 1]) < now)
        {
            return;   // the last iteration is the one in flight (the stretch was planned up to this arrival)
        }

        // A request now at the head of the queue joins where a planned arrival would have.
        StretchHorizon horizon = Joining(now);
        long t = _iterationStart;
        for (int j = 0; j < _macroIterations; j++)
        {
            long start = t;
            t += Math.Abs(_macroDurations[j]);
            if (horizon.StopsAfter(start, t))
            {
                if (j + 1 < _macroIterations)
                {
                    _simulator!.Cancel(_endEvent);
                    _macroIterations = j + 1;
                    _macroEnd = t;
                    _endEvent = _simulator.ScheduleAt(t, this, IterationEnd, Id, EventPriority.IterationEnd);
                }

                return;
            }
        }
    }

    private void CommitMacroStep(long now)
    {
        int k = _macroIterations;
        int n = _batch.Count;
        long firstEnd = _iterationStart + Math.Abs(_macroDurations[0]);
        RecordGapRuns(firstEnd, n);
        _batch.StampAll(now);

        ReadOnlySpan<long> durations = _macroDurations.AsSpan(0, k);
        RecordGaps(durations, 1, k, n, rising: _experts is null);   // sampled routing varies the durations
        _metrics.ComputeBoundNanos += SignedNanos.SumOfNegatives(durations);
        if (_experts is not null)
        {
            long end = _iterationStart;
            for (int j = 0; j < k; j++)
            {
                long d = Math.Abs(_macroDurations[j]);
                end += d;
                Moe.RoutingOutcome r = _macroRouting[j];
                _metrics.RecordRouting(r.RoutedTokens, r.DroppedTokens, d, _macroDense[j]);
                NoteImbalance(r.Imbalance, end);
            }
        }

        _routedIterations += k;

        Debug.Assert(EndOf(durations) == now, "a macro-step ends when its last iteration does");
        _metrics.Iterations += k;
        if (_kv.Cache is not null && k > 1)
        {
            // Stepping grows the batch after each iteration, so the blocks of the first k − 1 are taken (and cached blocks
            // evicted for them) before the last iteration's finished sequences release theirs; only then the last's.
            _batch.AdvanceAll(k - 1);
            GrowKvOrPreempt();
            k = 1;
        }

        _mayHaveFinished = _batch.AdvanceAll(k) <= 0;   // when k was the smallest remaining count (not cut short by an arrival)
        _macroIterations = 0;
    }

    /// <summary>When the leading iterations of the macro-step in flight whose (signed) durations are given end, ns.</summary>
    private long EndOf(ReadOnlySpan<long> signedDurations) => _iterationStart + SignedNanos.SumOfAbsolutes(signedDurations);
}
