using System.Diagnostics;
using ClusterSim.Core.Engine;
using ClusterSim.Core.Performance;
using ClusterSim.Core.Queueing;

namespace ClusterSim.Core.Inference;

/// <summary>
/// One model instance serving requests: FCFS admission into a running batch, a paged KV cache with
/// preemption by recompute, and one event per iteration — or one event for a whole stretch of
/// decode iterations in which the batch cannot change (macro-step), with the same outcome.
/// </summary>
public sealed partial class Replica : IEventHandler, Routing.IReplicaLoad
{
    private const int IterationEnd = 1;
    private const int IdleStart = 2;

    private readonly RequestTable _requests;
    private readonly ServingMetrics _metrics;
    private readonly IReplicaHost _host;
    private readonly StepTimeModel _model;
    private readonly int _contextLimit;   // the deployment's, read once a request at dispatch
    private readonly int _unevenChunkRanks;   // ranks a step's prompt chunks fall on unevenly (ServingDeployment.UnevenChunkRanks)
    private readonly SchedulerOptions _scheduler;
    private readonly bool _macroStepping;
    private readonly int _multiStep;   // decode steps a scheduling pass covers (vLLM V0's --num-scheduler-steps); 1: every step
    private int _windowLeft;   // decode steps of the multi-step window in flight still to run after this one; none admit
    private readonly int _blockTokens;
    private readonly RunningBatch _batch;
    private readonly LongRingBuffer _waiting = new(256);
    private readonly LongRingBuffer _queuedAt = new(256);   // when each waiting request joined the queue (a preempted one: long.MinValue)
    private readonly bool _asyncScheduling;   // the engine forms step n + 1 while step n runs (see SchedulerOptions.AsyncScheduling)
    private readonly int _receiveInterval;   // decode steps between reads of new requests (SchedulerOptions.ReceiveInterval)
    private int _receiveCount;   // towards the next read: a decode step adds one, a step with a prompt the whole interval
    private readonly LongRingBuffer _unread = new(16);   // requests that arrived since the last read, unseen by the scheduler
    private readonly LongRingBuffer _unreadAt = new(16);   // when each of them arrived
    private long[] _macroDurations = new long[256];

    private Simulator? _simulator;
    private EventHandle _endEvent = EventHandle.None;
    private long _macroEnd;   // when the macro-step in flight ends
    private bool _busy;
    private bool _startPending;   // an idle engine's first step is due once this instant's other arrivals are in
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
        ExpertImbalance = experts is null ? null : new Metrics.QuantileSketch();
        Id = id;
        _model = model;
        _unevenChunkRanks = model.Deployment.UnevenChunkRanks;
        _contextLimit = model.Deployment.ContextLimit;
        _scheduler = scheduler.Validated();
        if (model.Deployment.AttentionRanks > 1 && _scheduler.MaxChunkTokens == 0)
        {
            // Each attending rank prefills its own prompts within its share of the budget (SGLang divides its chunk size
            // over the ranks; TensorRT-LLM and vLLM give each rank its own): no prompt takes more of a step than that.
            _scheduler = _scheduler with { MaxChunkTokens = Math.Max(1, _scheduler.MaxBatchedTokens / model.Deployment.AttentionRanks) };
        }

        _requests = requests;
        _metrics = metrics;
        _host = host;
        // Speculative decoding steps one iteration at a time: its tokens per step follow a schedule the stretches do not model.
        // ... and so do multi-step windows, whose batch admits no one until the window ends (a stretch ends at an arrival).
        _multiStep = model.Deployment.MultiStep;
        // ... and so do engines that read new requests every few steps (a request joins at a read, which a stretch would
        // have to stop at: not modelled, so they step one iteration at a time).
        _receiveInterval = _scheduler.ReceiveInterval;
        _macroStepping = macroStepping && model.Speculative is null && _multiStep == 1 && _receiveInterval == 1;
        _blockTokens = model.Deployment.KvBlockTokens;
        _kv = new KvBlockPool(model.Deployment, _scheduler, requests);
        _batching = Scheduling.BatchScheduler.Create(_scheduler);
        _growsKv = _batching.GrowsKv && _scheduler.KvAdmission == KvAdmissionPolicy.Grow;
        _asyncScheduling = _scheduler.AsyncScheduling && _batching.JoinsRunningBatch;
        _batch = new RunningBatch(_scheduler.MaxSequences, _blockTokens);
        _finished = new int[_scheduler.MaxSequences];
        _stretch = new PrefillStretch(_scheduler.MaxSequences, _scheduler.MaxBatchedTokens, _scheduler.ChunkCap);
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

    /// <summary>Requests queued here, and hand-offs bound here whose KV cache is still crossing the link (the engine holds them waiting for it).</summary>
    public int Waiting => _waiting.Count + _unread.Count + Incoming;

    /// <summary>Requests routed here and not finished, hand-offs on their way included.</summary>
    public int Outstanding => _batch.Count + _waiting.Count + _unread.Count + Incoming;

    /// <summary>Hand-offs whose decode replica this is, chosen before their KV cache landed (a conditional split's, or one whose cache decides what crosses).</summary>
    public int Incoming { get; private set; }

    /// <summary>A hand-off is bound here: routers count it from now.</summary>
    public void ExpectHandOff() => Incoming++;

    /// <summary>A hand-off bound here has landed (and is enqueued or dropped), or its request ended before its prefill did.</summary>
    public void HandOffLanded()
    {
        Invariant.Check(Incoming > 0, $"replica {Id} had no hand-off on its way");
        Incoming--;
    }

    /// <summary>The replica's prefix cache; null when prefix caching is off.</summary>
    public PrefixCache? Cache => _kv.Cache;

    /// <summary>
    /// Leading blocks of a prompt this replica's cache holds as of the simulator's clock: within a macro-step, the cached
    /// blocks the batch's growth by now has evicted are evicted first, as stepping one iteration at a time would have.
    /// </summary>
    public int CachedPrefixBlocks(in Workload.PromptIdentity prompt, int promptTokens)
    {
        // Each sequence grows by at most ⌈k/b⌉ blocks in k iterations: while the truly free blocks cover that for the whole
        // batch, the stretch evicts nothing and its growth need not be counted.
        if (_macroIterations > 0 && _kv.Cache is not null
            && _kv.TrulyFree < (long)_batch.Count * ((_macroIterations + _blockTokens - 1) / _blockTokens))
        {
            _kv.EvictAhead(MacroGrowthBy(_simulator!.Now));
        }

        return _kv.CachedPrefixBlocks(prompt, promptTokens);
    }

    /// <summary>
    /// When true, requests that reach an idle replica at one instant all join its first step (the step forms after that
    /// instant's arrivals, as an iteration's end does); when false an idle replica starts on the first at once, as an
    /// engine behind a front end that reads requests one at a time does (<see cref="ServingScenario.InProcessSubmission"/>).
    /// </summary>
    public bool SimultaneousArrivalsShareStep { get; init; }

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
            own += _batch.Blocks[i] + _kv.HeldBlocks(_batch.Request[i]);
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
        Invariant.Check(_unreadAt.Count == _unread.Count, $"replica {Id} keeps {_unreadAt.Count} arrival times for {_unread.Count} unread requests");
        Invariant.Check(_unread.Count == 0 || _busy, $"replica {Id} is idle with {_unread.Count} requests unread");
        for (int k = 0; k < _unread.Count; k++)
        {
            int id = (int)_unread.At(k);
            Invariant.Check(IsIn(live, id), $"replica {Id} holds unread request {id}, which is not in flight");
            Invariant.Check(Array.IndexOf(_batch.Request, id, 0, _batch.Count) < 0 && !IsWaiting(id), $"request {id} is both unread and queued or running on replica {Id}");
        }

        for (int k = 0; k < _waiting.Count; k++)
        {
            int id = (int)_waiting.At(k);
            Invariant.Check(IsIn(live, id), $"replica {Id} queues request {id}, which is not in flight");
            Invariant.Check(_batch.Count == 0 || Array.IndexOf(_batch.Request, id, 0, _batch.Count) < 0, $"request {id} is both queued and running on replica {Id}");
        }
    }

    private static bool IsIn(bool[] live, int id) => (uint)id < (uint)live.Length && live[id];

    private bool IsWaiting(int id)
    {
        for (int k = 0; k < _waiting.Count; k++)
        {
            if (_waiting.At(k) == id)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when the server takes a request of this size: prompt and output within its context (<see cref="ServingDeployment.ContextLimit"/>).</summary>
    public bool WithinContext(int prompt, int output) => (long)prompt + output <= _contextLimit;

    /// <summary>The longest request (prompt and output tokens) the server takes: its deployment's <see cref="ServingDeployment.ContextLimit"/>.</summary>
    public int ContextLimit => _contextLimit;

    /// <summary>True when a request of this size can ever be served here (its whole KV fits in the cache).</summary>
    public bool CanEverFit(int prompt, int output, int sharedPrefix = 0) =>
        _kv.BlocksFor(prompt + output - sharedPrefix) + _model.Deployment.HeldBlocks(prompt + output) <= TotalBlocks;

    /// <summary>Accepts a routed request.</summary>
    public void Enqueue(Simulator simulator, int requestId)
    {
        _simulator = simulator;
        if (_receiveInterval > 1 && _busy)
        {
            // The scheduler reads its socket every few decode steps: the request waits there, unseen, until the next read.
            _unread.Enqueue(requestId);
            _unreadAt.Enqueue(simulator.Now);
            return;
        }

        bool atHead = Queue(requestId, simulator.Now) == 0;
        if (!_busy)
        {
            if (_startPending)
            {
                return;   // the step about to form sees this request too
            }

            if (SimultaneousArrivalsShareStep && simulator.NextEventTime == simulator.Now)
            {
                // Other events fall at this instant (requests handed over together in process): the idle engine forms
                // its first step once they are all in, as an iteration's end waits for the arrivals at its instant.
                _startPending = true;
                simulator.ScheduleAt(simulator.Now, this, IdleStart, Id, EventPriority.IterationEnd);
                return;
            }

            BeginIteration(simulator.Now, lateAfter: long.MaxValue);   // an idle engine schedules at once
        }
        else if (_macroIterations > 0 && atHead && _batch.Count < _scheduler.MaxSequences && _batching.JoinsRunningBatch)
        {
            ShortenMacroStep(simulator.Now);
        }
    }

    /// <inheritdoc />
    public void OnEvent(Simulator simulator, in SimEvent simEvent)
    {
        long now = simEvent.Time;
        if (simEvent.Kind == IdleStart)
        {
            _startPending = false;
            BeginIteration(now, lateAfter: long.MaxValue);
            return;
        }

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
                _metrics.RecordRouting(_routing.RoutedTokens, _routing.DroppedTokens, duration, _denseNanos);
                NoteImbalance(_routing.Imbalance, now);
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
    /// The scheduler's read of new requests as the next step forms (at <paramref name="formedAt"/>, or now): every
    /// <see cref="SchedulerOptions.ReceiveInterval"/> decode steps, at once after a step with a prompt in it or when nothing
    /// runs (an idle engine's loop reads at once). A read takes what arrived by the time the step was formed; what came
    /// after waits for the next.
    /// </summary>
    private void Read(long formedAt)
    {
        bool idle = _batch.Count == 0;
        _receiveCount += idle || !_decodeOnlyIteration ? _receiveInterval : 1;
        if (_receiveCount < _receiveInterval)
        {
            return;
        }

        _receiveCount = 0;
        while (_unread.Count > 0 && (idle || _unreadAt.Peek() <= formedAt))
        {
            Queue((int)_unread.Dequeue(), _unreadAt.Dequeue());
        }
    }

    /// <summary>
    /// Admits what may join and starts the next iteration (or a stretch of them); requests queued after
    /// <paramref name="lateAfter"/> wait for the one after (with async scheduling, the step that just ended was running
    /// when the engine formed this one).
    /// </summary>
    private void BeginIteration(long now, long lateAfter)
    {
        // Within a multi-step window the batch is the one its scheduling pass formed: the queue waits for the window's end.
        bool midWindow = _windowLeft > 0 && _batch.Count > 0 && _prefilling == 0;
        if (midWindow)
        {
            _windowLeft--;
        }
        else
        {
            _windowLeft = 0;
            if (_receiveInterval > 1)
            {
                Read(lateAfter);
            }

            Admit(now, lateAfter);
        }

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
        if (decodeOnly && !midWindow && _multiStep > 1)
        {
            _windowLeft = _multiStep - 1;   // a scheduling pass that formed a decode step formed the window's
        }

        BatchShape shape;
        long decodeContext;
        if (decodeOnly)
        {
            shape = BatchShape.Decode(_batch.Count, _batch.ContextSum);   // every sequence reads its whole context once
            decodeContext = _batch.ContextSum;
        }
        else
        {
            var chunked = new ChunkedShape(_batch.ContextSum, _unevenChunkRanks);
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
}
