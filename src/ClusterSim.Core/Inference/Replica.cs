using System.Diagnostics;
using System.Runtime.Intrinsics;
using ClusterSim.Core.Engine;
using ClusterSim.Core.Performance;
using ClusterSim.Core.Queueing;

namespace ClusterSim.Core.Inference;

/// <summary>
/// One model instance serving requests: FCFS admission into a running batch, a paged KV cache with
/// preemption by recompute, and one event per iteration — or one event for a whole stretch of
/// decode iterations in which the batch cannot change (macro-step), with the same outcome.
/// </summary>
public sealed class Replica : IEventHandler, Routing.IReplicaLoad
{
    private const int IterationEnd = 1;

    private readonly RequestTable _requests;
    private readonly ServingMetrics _metrics;
    private readonly IReplicaHost _host;
    private readonly StepTimeModel _model;
    private readonly SchedulerOptions _scheduler;
    private readonly bool _macroStepping;
    private readonly int _blockTokens;
    private readonly RunningBatch _batch;
    private readonly LongRingBuffer _waiting = new(256);
    private readonly LongRingBuffer _queuedAt = new(256);   // when each waiting request joined the queue (a preempted one: long.MinValue)
    private readonly bool _asyncScheduling;   // the engine forms step n + 1 while step n runs (see SchedulerOptions.AsyncScheduling)
    private long[] _macroDurations = new long[256];

    private Simulator? _simulator;
    private EventHandle _endEvent = EventHandle.None;
    private long _macroEnd;   // when the macro-step in flight ends
    private bool _busy;
    private long _iterationStart;
    private bool _decodesRun;
    private bool _computeBound;
    private bool _pendingPrefill;
    private int _macroIterations;
    private bool _pendingFirstToken;
    private int _prefilling;   // sequences in the batch still prefilling, kept incrementally so an iteration need not count them
    private bool _mayHaveFinished;   // set when a sequence may have reached its target, so retirement need not scan every iteration
    private bool _decodeOnlyIteration;   // the iteration in flight has no prefill: every sequence decodes one token
    private readonly int[] _finished;   // scratch: batch indices retired this iteration
    private readonly KvBlockPool _kv;
    private readonly Scheduling.BatchScheduler _batching;
    private readonly bool _growsKv;   // blocks are taken as sequences decode (else reserved for the whole sequence at admission)
    private double _pendingLoadSeconds;   // host-to-device KV copies the next iteration waits for
    private readonly Moe.ExpertRouter? _experts;
    private readonly IServingObserver? _observer;
    private long _routedIterations;
    private Moe.RoutingOutcome _routing;
    private long _denseNanos;
    private Moe.RoutingOutcome[] _macroRouting = [];
    private long[] _macroDense = [];
    private readonly PrefillStretch _stretch;   // its prompts, when the macro-step in flight also prefills
    private long _decodeSteps;   // iterations in which sequences decoded (speculative decoding's schedule counts them)
    private int _emit = 1;   // tokens each decoding sequence emits in the iteration in flight (more than one when speculating)
    private bool _speculating;   // the iteration in flight verifies drafts

    /// <summary>Creates a replica; <paramref name="macroStepping"/> false forces one event per iteration (for equivalence tests).</summary>
    public Replica(int id, StepTimeModel model, SchedulerOptions scheduler, RequestTable requests, ServingMetrics metrics, IReplicaHost host, bool macroStepping = true, Moe.ExpertRouter? experts = null, IServingObserver? observer = null)
    {
        _observer = observer;
        _experts = experts;
        Id = id;
        _model = model;
        _scheduler = scheduler.Validated();
        _requests = requests;
        _metrics = metrics;
        _host = host;
        // Speculative decoding steps one iteration at a time: its tokens per step follow a schedule the stretches do not model.
        _macroStepping = macroStepping && model.Speculative is null;
        _blockTokens = model.Deployment.KvBlockTokens;
        _kv = new KvBlockPool(model.Deployment, _scheduler, requests);
        _batching = Scheduling.BatchScheduler.Create(_scheduler);
        _growsKv = _batching.GrowsKv && _scheduler.KvAdmission == KvAdmissionPolicy.Grow;
        _asyncScheduling = _scheduler.AsyncScheduling && _batching.JoinsRunningBatch;
        _batch = new RunningBatch(_scheduler.MaxSequences, _blockTokens);
        _finished = new int[_scheduler.MaxSequences];
        _stretch = new PrefillStretch(_scheduler.MaxSequences, _scheduler.MaxBatchedTokens);
    }

    public int Id { get; }

    /// <summary>The timing model (and through it the deployment) of this replica.</summary>
    public StepTimeModel Model => _model;
    /// <inheritdoc />
    public int TotalBlocks => _kv.Total;

    /// <summary>
    /// Free KV blocks as of the simulator's clock: within a macro-step, as many as stepping one iteration at a time would
    /// have left by now (the sequences' growth in the iterations already over), so routers and samples see the same.
    /// </summary>
    public int FreeBlocks => _macroIterations == 0 ? _kv.Free : _kv.Free - MacroGrowthBy(_simulator!.Now);

    /// <summary>Blocks the batch has grown into in the iterations of the macro-step in flight that end by <paramref name="now"/>.</summary>
    private int MacroGrowthBy(long now)
    {
        int done = 0;
        long t = _iterationStart;
        while (done < _macroIterations && (t += Math.Abs(_macroDurations[done])) <= now)
        {
            done++;
        }

        if (done == 0 || !_growsKv)
        {
            return 0;
        }

        int grown = 0;
        int q = 0;   // the stretch's next prompt (its batch indices ascend)
        for (int i = 0; i < _batch.Count; i++)
        {
            bool prompt = q < _stretch.Count && _stretch.Index(q) == i;
            int context = _batch.Context(i) + (prompt ? _stretch.GrownBy(q++, done) : done);
            grown += Math.Max(0, _kv.BlocksFor(context - _batch.Shared[i]) - _batch.Blocks[i]);
        }

        return grown;
    }
    public int Running => _batch.Count;
    public int Waiting => _waiting.Count;

    /// <summary>Requests routed here and not finished.</summary>
    public int Outstanding => _batch.Count + _waiting.Count;

    /// <summary>The replica's prefix cache; null when prefix caching is off.</summary>
    public PrefixCache? Cache => _kv.Cache;

    /// <inheritdoc />
    public int CachedPrefixBlocks(in Workload.PromptIdentity prompt, int promptTokens) => _kv.CachedPrefixBlocks(prompt, promptTokens);

    /// <summary>Time spent running iterations, ns.</summary>
    public long BusyNanos { get; private set; }

    /// <summary>
    /// Checks the replica's books between events: the running batch, its KV blocks, the prefilling count, and that every
    /// request running or waiting here is in flight and in one place only. Throws <see cref="InvalidOperationException"/>.
    /// </summary>
    /// <param name="live">Which request ids are in flight (from <see cref="RequestTable.AssertInvariants"/>).</param>
    public void AssertInvariants(bool[] live)
    {
        _batch.AssertInvariants(_scheduler.MaxSequences);
        long own = 0;
        int prefilling = 0;
        for (int i = 0; i < _batch.Count; i++)
        {
            own += _batch.Blocks[i] + _kv.WindowBlocks(_batch.Request[i]);
            prefilling += _batch.IsDecoding(i) ? 0 : 1;
            Invariant.Check(IsIn(live, _batch.Request[i]), $"replica {Id} runs request {_batch.Request[i]}, which is not in flight");
        }

        _kv.AssertInvariants(own);
        if (_waiting.Count > 0)
        {
            _kv.AssertPlanCurrent((int)_waiting.Peek(), reserveWhole: !_growsKv);
        }

        Invariant.Check(prefilling == _prefilling, $"replica {Id} counts {_prefilling} prefilling sequences; its batch has {prefilling}");
        Invariant.Check(_queuedAt.Count == _waiting.Count, $"replica {Id} keeps {_queuedAt.Count} queueing times for {_waiting.Count} waiting requests");
        for (int k = 0; k < _waiting.Count; k++)
        {
            int id = (int)_waiting.At(k);
            Invariant.Check(IsIn(live, id), $"replica {Id} queues request {id}, which is not in flight");
            Invariant.Check(_batch.Count == 0 || Array.IndexOf(_batch.Request, id, 0, _batch.Count) < 0, $"request {id} is both queued and running on replica {Id}");
        }
    }

    private static bool IsIn(bool[] live, int id) => (uint)id < (uint)live.Length && live[id];

    /// <summary>True when a request of this size can ever be served here (its whole KV fits in the cache).</summary>
    public bool CanEverFit(int prompt, int output, int sharedPrefix = 0) =>
        _kv.BlocksFor(prompt + output - sharedPrefix) + _model.Deployment.WindowBlocks(prompt + output) <= TotalBlocks;

    /// <summary>Accepts a routed request.</summary>
    public void Enqueue(Simulator simulator, int requestId)
    {
        _simulator = simulator;
        bool wasEmpty = _waiting.Count == 0;
        _waiting.Enqueue(requestId);
        _queuedAt.Enqueue(simulator.Now);
        if (!_busy)
        {
            BeginIteration(simulator.Now, lateAfter: long.MaxValue);   // an idle engine schedules at once
        }
        else if (_macroIterations > 0 && wasEmpty && _batch.Count < _scheduler.MaxSequences && _batching.JoinsRunningBatch)
        {
            ShortenMacroStep(simulator.Now);
        }
    }

    /// <inheritdoc />
    public void OnEvent(Simulator simulator, in SimEvent simEvent)
    {
        long now = simEvent.Time;
        long duration = now - _iterationStart;
        // With async scheduling the step about to start was formed when the last one began: requests queued after that wait.
        long lateAfter = !_asyncScheduling ? long.MaxValue
            : _macroIterations > 0 ? now - Math.Abs(_macroDurations[_macroIterations - 1]) : _iterationStart;
        _observer?.OnIterations(Id, _iterationStart, now, Math.Max(1, _macroIterations), _batch.Count);
        BusyNanos += duration;
        _metrics.BusyNanos += duration;
        if (_macroIterations > 0)
        {
            if (_stretch.Count > 0)
            {
                CommitPrefillStretch(now);
            }
            else
            {
                CommitMacroStep(now);
            }
        }
        else
        {
            _metrics.Iterations++;
            if (_computeBound)
            {
                _metrics.ComputeBoundNanos += duration;
            }

            if (_experts is not null)
            {
                _metrics.RecordRouting(_routing.Imbalance, _routing.RoutedTokens, _routing.DroppedTokens, duration, _denseNanos, now);
                _routedIterations++;
            }

            ApplyIteration(now);
        }

        if (_mayHaveFinished)
        {
            RetireFinished(now);
        }

        GrowKvOrPreempt();
        BeginIteration(now, lateAfter);
    }

    /// <summary>
    /// Admits what may join and starts the next iteration (or a stretch of them); requests queued after
    /// <paramref name="lateAfter"/> wait for the one after (with async scheduling, the step that just ended was running
    /// when the engine formed this one).
    /// </summary>
    private void BeginIteration(long now, long lateAfter)
    {
        Admit(now, lateAfter);
        if (_batch.Count == 0)
        {
            _busy = false;
            return;
        }

        _busy = true;
        _iterationStart = now;
        int prefillTokens = PlanPrefill();
        if (_macroStepping && (prefillTokens == 0 ? TryStartMacroStep(now) : TryStartPrefillStretch(now, prefillTokens)))
        {
            return;
        }

        _macroIterations = 0;
        bool decodeOnly = _prefilling == 0;
        _decodeOnlyIteration = decodeOnly;
        BatchShape shape;
        long decodeContext;
        if (decodeOnly)
        {
            shape = BatchShape.Decode(_batch.Count, _batch.ContextSum);   // every sequence reads its whole context once
            decodeContext = _batch.ContextSum;
        }
        else
        {
            var chunked = new ChunkedShape(_batch.ContextSum);
            foreach (int i in _batch.Selected(Selection.Prefilling))
            {
                chunked.AddPrompt(_batch.Chunk[i], _batch.Prefilled[i]);
            }

            Debug.Assert(chunked.ChunksOnly().NewTokens == prefillTokens, "the chunks are those the scheduler planned");
            shape = _decodesRun ? chunked.WithDecodes(_batch.Count - _prefilling) : chunked.ChunksOnly();
            decodeContext = chunked.DecodeContext;
        }

        _emit = 1;
        if (_model.Speculative is { } speculative && _decodesRun && speculative.SpeculatesWith(_batch.Count - _prefilling))
        {
            shape = _model.Speculate(shape, _batch.Count - _prefilling, decodeContext);
            _emit = speculative.TokensAt(_decodeSteps);
            _speculating = true;
        }

        IterationCost cost;
        if (_experts is null)
        {
            cost = _model.Iteration(shape);
        }
        else
        {
            _routing = _experts.Route(shape.NewTokens, _routedIterations);
            _denseNanos = _model.DenseEquivalentNanos(shape);
            cost = _model.Iteration(shape, _routing);
        }

        _computeBound = cost.ComputeBound;
        long nanos = cost.Nanos;
        if (_pendingLoadSeconds > 0)
        {
            nanos += (long)Math.Ceiling(_pendingLoadSeconds * 1e9);
            _pendingLoadSeconds = 0;
        }

        _endEvent = _simulator!.ScheduleAt(now + Math.Max(1, nanos), this, IterationEnd, Id, EventPriority.IterationEnd);
    }

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

    private bool TryStartMacroStep(long now)
    {
        int n = _batch.Count;
        long horizon = Horizon();
        if (_pendingPrefill || _pendingFirstToken || WithinOneIteration(horizon, now))
        {
            return false;
        }

        if (!AdmissionBlocked())
        {
            return false;
        }

        // No sequence finishes before k iterations, and n·⌈k/b⌉ free blocks cover any KV growth, so the batch cannot change.
        // Only truly free blocks count: growth into evictable cached ones would evict them one iteration at a time, in
        // an order against the completions at the stretch's end that one event could not reproduce.
        int k = _batch.MinRemaining();
        if (_growsKv)
        {
            k = (int)Math.Min(k, (long)_blockTokens * (_kv.TrulyFree / n));
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
    /// at or past <paramref name="horizon"/>, since an arrival would cut the stretch there anyway. Returns the new total.
    /// </summary>
    private long TimeDecodeRun(long now, long contextSum, long horizon, ref int k, int from = 0, long total = 0)
    {
        int n = _batch.Count;
        DecodeRun run = _model.DecodeRun(n);
        bool negate = run.ComputeBound;   // compute-bound durations are stored negative
        for (int j = from; j < k; j += 4)
        {
            // Four iterations timed at once; the stretch still stops at the first to reach the horizon.
            Vector256<long> four = Vector256.Max(run.Nanos4(contextSum + ((long)(j - from) * n), n), Vector256<long>.One);
            long sum = Vector256.Sum(four);
            if (j + 4 <= k && now + total + sum < horizon)
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
                if (now + total >= horizon)
                {
                    k = j + lane + 1;
                    return total;
                }
            }
        }

        return total;
    }

    /// <summary>As <see cref="TimeDecodeRun"/>, with a routing draw per iteration (keyed by iteration number, so the draws equal those of stepping one at a time).</summary>
    private long TimeRoutedDecodeRun(long now, long contextSum, long horizon, ref int k)
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
            if (now + total >= horizon)
            {
                k = j + 1;
                break;
            }
        }

        return total;
    }

    /// <summary>
    /// The <paramref name="horizon"/> comes before any iteration started now could end: a stretch would be cut to one
    /// iteration, so it is not worth timing.
    /// </summary>
    private bool WithinOneIteration(long horizon, long now) => horizon - now <= _model.IterationFloorNanos;

    /// <summary>
    /// When the batch may next change from outside: the next arrival, or — when clients give up — the first instant the
    /// request at the head of the queue has waited past its client's patience (stepping drops it at the first iteration
    /// that starts after that, and may then admit the one behind it). A macro-step stops at the first iteration that
    /// ends at or past it.
    /// </summary>
    private long Horizon()
    {
        long horizon = _host.NextArrivalHint;
        long timeout = _host.ClientTimeoutNanos;
        if (timeout != long.MaxValue && _waiting.Count > 0)
        {
            horizon = Math.Min(horizon, _requests.Arrival((int)_waiting.Peek()) + timeout + 1);
        }

        return horizon;
    }

    /// <summary>No waiting request can join the batch until it changes (none waits, the batch is full, or the head's KV does not fit).</summary>
    private bool AdmissionBlocked() => !_batching.JoinsRunningBatch
        || _waiting.Count == 0
        || _batch.Count >= _scheduler.MaxSequences
        || _kv.Plan((int)_waiting.Peek(), reserveWhole: !_growsKv).Need > _kv.Free;

    /// <summary>
    /// Chunked prefill of the waiting prompts beside running decodes, then the decodes that follow, as one event: every
    /// iteration the prompts share the budget the decodes leave (<see cref="PrefillStretch"/>), so while no request can
    /// join, none finishes and the blocks already free cover the growth, each iteration's shape is known in advance.
    /// Prefix caching, host KV loads, sampled routing and sibling groups (whose first token the host acts on) keep to one
    /// event per iteration.
    /// </summary>
    private bool TryStartPrefillStretch(long now, int firstChunks)
    {
        int n = _batch.Count;
        long horizon = Horizon();
        if (_scheduler.Kind != SchedulerKind.ChunkedPrefill || _experts is not null || _kv.Cache is not null || _pendingFirstToken
            || _pendingLoadSeconds > 0 || _scheduler.MaxBatchedTokens <= n - 1 || WithinOneIteration(horizon, now) || !AdmissionBlocked())
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
            var chunked = new ChunkedShape(contextSum);
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
            if (now + total >= horizon)
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

    private void ShortenMacroStep(long now)
    {
        if (_macroEnd - Math.Abs(_macroDurations[_macroIterations - 1]) < now)
        {
            return;   // the last iteration is the one in flight (the stretch was planned up to this arrival)
        }

        long t = _iterationStart;
        for (int j = 0; j < _macroIterations; j++)
        {
            t += Math.Abs(_macroDurations[j]);
            if (t >= now)
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
                _metrics.RecordRouting(r.Imbalance, r.RoutedTokens, r.DroppedTokens, d, _macroDense[j], end);
            }
        }

        _routedIterations += k;

        Debug.Assert(EndOf(durations) == now, "a macro-step ends when its last iteration does");
        _metrics.Iterations += k;
        _mayHaveFinished = _batch.AdvanceAll(k) <= 0;   // when k was the smallest remaining count (not cut short by an arrival)
        _macroIterations = 0;
    }

    /// <summary>When the leading iterations of the macro-step in flight whose (signed) durations are given end, ns.</summary>
    private long EndOf(ReadOnlySpan<long> signedDurations) => _iterationStart + SignedNanos.SumOfAbsolutes(signedDurations);

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
            int id = _batch.Request[i];
            if (!_batch.IsDecoding(i))
            {
                _prefilling--;
            }

            _kv.Release(id, _batch.Blocks[i], finished: true);
            if (_requests.Stage(id) != RequestStage.Prefill)
            {
                _metrics.RecordCompletion(_requests, id, now);
            }

            _observer?.OnRequest(Id, _requests.Arrival(id), _requests.FirstToken(id), now, _requests.Prompt(id), _requests.Output(id));
            _host.OnCompleted(id, now);
            _requests.Release(id);
            _finished[finished++] = i;
        }

        _batch.RemoveAll(_finished.AsSpan(0, finished));

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

    private void PreemptLast()
    {
        int last = _batch.Count - 1;
        if (!_batch.IsDecoding(last))
        {
            _prefilling--;
        }

        _kv.Release(_batch.Request[last], _batch.Blocks[last], finished: false);
        _requests.SetDelivered(_batch.Request[last], _batch.Generated[last]);
        _requests.ClearTransferred(_batch.Request[last]);
        _waiting.PushFront(_batch.Request[last]);
        _queuedAt.PushFront(long.MinValue);   // it was running: the next step may take it back
        _batch.RemoveLast();
        _metrics.Preemptions++;
    }
}
