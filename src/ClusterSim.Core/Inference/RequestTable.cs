using ClusterSim.Core.Engine;

namespace ClusterSim.Core.Inference;

/// <summary>
/// Requests in flight, as parallel arrays indexed by a request id that is reused after completion, so a
/// run of ten million requests needs no more memory than its peak number in flight.
/// </summary>
public sealed class RequestTable
{
    private long[] _arrival = new long[1024];
    private long[] _firstToken = new long[1024];
    private int[] _prompt = new int[1024];
    private int[] _output = new int[1024];
    private int[] _delivered = new int[1024];
    private int[] _shared = new int[1024];
    private int[] _group = new int[1024];
    private int[] _transferred = new int[1024];
    private byte[] _stage = new byte[1024];
    private int[] _fullOutput = new int[1024];
    private Workload.PromptIdentity[] _identity = new Workload.PromptIdentity[1024];
    private int[] _cacheHit = new int[1024];
    private int[] _cacheOwned = new int[1024];
    private byte[] _class = new byte[1024];
    private int[] _priority = new int[1024];
    private int[] _free = new int[1024];
    private int _freeCount;
    private int _used;

    /// <summary>Requests currently in flight.</summary>
    public int InFlight { get; private set; }

    /// <summary>Arrival time, ns.</summary>
    public long Arrival(int id) => _arrival[id];

    /// <summary>Time of the first output token, ns; -1 before it.</summary>
    public long FirstToken(int id) => _firstToken[id];

    /// <summary>Prompt tokens.</summary>
    public int Prompt(int id) => _prompt[id];

    /// <summary>Output tokens the request will produce.</summary>
    public int Output(int id) => _output[id];

    /// <summary>Output tokens already delivered (kept across a preemption, which recomputes them).</summary>
    public int Delivered(int id) => _delivered[id];

    /// <summary>Prompt tokens whose KV another request already holds (a sampled sibling's shared prefix): neither prefilled nor allocated again.</summary>
    public int SharedPrefix(int id) => _shared[id];

    /// <summary>The test-time-compute group the request belongs to; -1 for a plain request.</summary>
    public int Group(int id) => _group[id];

    /// <summary>Prompt tokens whose KV was computed elsewhere and copied in (disaggregated decode): allocated here, not recomputed.</summary>
    public int Transferred(int id) => _transferred[id];

    /// <summary>Output tokens of the whole request (for a prefill side, which itself produces only the first).</summary>
    public int FullOutput(int id) => _fullOutput[id];

    /// <summary>Caps the request's output at <paramref name="output"/> tokens (a server ending the answer at its context).</summary>
    public void CapOutput(int id, int output)
    {
        _fullOutput[id] = Math.Min(_fullOutput[id], output);
        _output[id] = Math.Min(_output[id], output);
    }

    /// <summary>What the request's prompt shares with others, for a prefix cache.</summary>
    public Workload.PromptIdentity Identity(int id) => _identity[id];

    /// <summary>Sets what the request's prompt shares with others.</summary>
    public void SetIdentity(int id, Workload.PromptIdentity identity) => _identity[id] = identity;

    /// <summary>Leading prompt blocks the request found in its replica's prefix cache and holds pinned while it runs.</summary>
    public int CacheHitBlocks(int id) => _cacheHit[id];

    /// <summary>Prompt blocks after the hit that this request computed and entered into the prefix cache.</summary>
    public int CacheOwnedBlocks(int id) => _cacheOwned[id];

    /// <summary>Records the request's prefix-cache blocks (hit and entered), or clears them with zeros.</summary>
    public void SetCacheBlocks(int id, int hit, int owned)
    {
        _cacheHit[id] = hit;
        _cacheOwned[id] = owned;
    }

    /// <summary>The request's class (an index into the scenario's classes; 0 when it has none).</summary>
    public int Class(int id) => _class[id];

    /// <summary>The request's scheduling priority (lower is more urgent; 0 when it has no class).</summary>
    public int Priority(int id) => _priority[id];

    /// <summary>Puts the request in class <paramref name="requestClass"/>, with that class's <paramref name="priority"/>.</summary>
    public void SetClass(int id, int requestClass, int priority)
    {
        _class[id] = (byte)requestClass;
        _priority[id] = priority;
    }

    /// <summary>Which part of a disaggregated request this is.</summary>
    public RequestStage Stage(int id) => (RequestStage)_stage[id];

    /// <summary>Registers a new request and returns its id.</summary>
    public int Add(long arrival, int prompt, int output, int sharedPrefix = 0, int group = -1, RequestStage stage = RequestStage.Whole, int transferred = 0, int fullOutput = 0)
    {
        int id;
        if (_freeCount > 0)
        {
            id = _free[--_freeCount];
        }
        else
        {
            if (_used == _arrival.Length)
            {
                Grow();
            }

            id = _used++;
        }

        _arrival[id] = arrival;
        _firstToken[id] = -1;
        _prompt[id] = prompt;
        _output[id] = output;
        _delivered[id] = 0;
        _shared[id] = sharedPrefix;
        _group[id] = group;
        _stage[id] = (byte)stage;
        _transferred[id] = transferred;
        _fullOutput[id] = fullOutput > 0 ? fullOutput : output;
        _identity[id] = Workload.PromptIdentity.Unique;
        _cacheHit[id] = 0;
        _cacheOwned[id] = 0;
        _class[id] = 0;
        _priority[id] = 0;
        InFlight++;
        return id;
    }

    /// <summary>
    /// A whole request routed to a unit's prefill replica: that side produces the first token only, and the rest of its
    /// answer (<see cref="FullOutput"/>) is decoded where its KV cache is handed off.
    /// </summary>
    public void SplitForPrefill(int id)
    {
        _stage[id] = (byte)RequestStage.Prefill;
        _output[id] = 1;
    }

    /// <summary>Records the first output token (once).</summary>
    public void MarkFirstToken(int id, long now)
    {
        if (_firstToken[id] < 0)
        {
            _firstToken[id] = now;
        }
    }

    /// <summary>A preempted decode-side request lost its copied KV with its blocks: recomputing it is now prefill work.</summary>
    public void ClearTransferred(int id) => _transferred[id] = 0;

    /// <summary>Carries the first token's time over from the prefill instance of a disaggregated request.</summary>
    public void SetFirstToken(int id, long time) => _firstToken[id] = time;

    /// <summary>Records how many output tokens were delivered before a preemption.</summary>
    public void SetDelivered(int id, int tokens) => _delivered[id] = tokens;

    /// <summary>Frees the id of a finished or dropped request.</summary>
    public void Release(int id)
    {
        _free[_freeCount++] = id;
        InFlight--;
    }

    /// <summary>
    /// The earliest arrival among requests in flight still without a first token (long.MaxValue when none). A scan over
    /// the table, for the occasional question (a cluster's interval in which no request finished), not the hot path.
    /// </summary>
    public long EarliestWaitingArrival()
    {
        bool[] live = Live();
        long earliest = long.MaxValue;
        for (int id = 0; id < _used; id++)
        {
            if (live[id] && _firstToken[id] < 0)
            {
                earliest = Math.Min(earliest, _arrival[id]);
            }
        }

        return earliest;
    }

    /// <summary>Which ids are in flight: every id used, less those on the free list (throws on an id freed twice).</summary>
    private bool[] Live()
    {
        var live = new bool[_used];
        Array.Fill(live, true);
        for (int k = 0; k < _freeCount; k++)
        {
            Invariant.Check(live[_free[k]], $"id {_free[k]} is free twice");
            live[_free[k]] = false;
        }

        return live;
    }

    /// <summary>
    /// Checks the table's books: the in-flight count, no id free twice, and every live request's times and token
    /// counts in order; returns which ids are in flight (derived from the free ids, so the hot path keeps no flag for
    /// it). Throws <see cref="InvalidOperationException"/> on the first broken one.
    /// </summary>
    public bool[] AssertInvariants()
    {
        Invariant.Check(InFlight == _used - _freeCount, $"{InFlight} requests in flight, but {_used} ids used and {_freeCount} free");
        bool[] live = Live();

        for (int id = 0; id < _used; id++)
        {
            if (!live[id])
            {
                continue;
            }

            Invariant.Check(_arrival[id] >= 0 && _prompt[id] > 0 && _output[id] > 0, $"request {id}: arrival {_arrival[id]}, prompt {_prompt[id]}, output {_output[id]}");
            Invariant.Check(_firstToken[id] < 0 || _firstToken[id] >= _arrival[id], $"request {id}'s first token ({_firstToken[id]}) precedes its arrival ({_arrival[id]})");
            Invariant.Check(_delivered[id] >= 0 && _delivered[id] <= _fullOutput[id], $"request {id} delivered {_delivered[id]} of {_fullOutput[id]} tokens");
            Invariant.Check(_shared[id] >= 0 && _shared[id] <= _prompt[id] + _output[id], $"request {id} shares {_shared[id]} tokens of {_prompt[id]}");
        }

        return live;
    }

    private void Grow()
    {
        int size = _arrival.Length * 2;
        Array.Resize(ref _arrival, size);
        Array.Resize(ref _firstToken, size);
        Array.Resize(ref _prompt, size);
        Array.Resize(ref _output, size);
        Array.Resize(ref _delivered, size);
        Array.Resize(ref _shared, size);
        Array.Resize(ref _group, size);
        Array.Resize(ref _transferred, size);
        Array.Resize(ref _stage, size);
        Array.Resize(ref _fullOutput, size);
        Array.Resize(ref _identity, size);
        Array.Resize(ref _cacheHit, size);
        Array.Resize(ref _cacheOwned, size);
        Array.Resize(ref _class, size);
        Array.Resize(ref _priority, size);
        Array.Resize(ref _free, size);
    }
}
