using ClusterSim.Core.Engine;

namespace ClusterSim.Core.Inference.Workload;

/// <summary>
/// Produces the requests of a run in arrival order: an open arrival process with length distributions,
/// a replayed trace, or a closed loop of fixed concurrency (new requests only as others finish).
/// </summary>
public abstract class RequestSource
{
    /// <summary>Requests present at time zero (closed loop) — 0 for open sources.</summary>
    public virtual int InitialRequests => 0;

    /// <summary>True when a completion releases the next request (closed loop).</summary>
    public virtual bool IsClosedLoop => false;

    /// <summary>Think time between a completion and the next request of a closed loop, ns (drawn anew each time).</summary>
    public virtual long NextThinkNanos() => 0;

    /// <summary>When the next of the <see cref="InitialRequests"/> is sent, ns (all at once unless the loop ramps up).</summary>
    public virtual long NextInitialArrival() => 0;

    /// <summary>Gap from <paramref name="now"/> to the next open arrival; <see cref="long.MaxValue"/> when none follows.</summary>
    public abstract long NextGap(long now);

    /// <summary>Lengths of the request arriving now.</summary>
    public abstract (int Prompt, int Output) NextLengths();

    /// <summary>What the prompt just drawn shares with others (for a prefix cache); unique unless the workload says so.</summary>
    public PromptIdentity Identity { get; private protected set; } = PromptIdentity.Unique;

    /// <summary>The class the request just drawn belongs to, when the workload says (a trace's); −1: drawn by the classes' shares.</summary>
    public int Class { get; private protected set; } = -1;

    /// <summary>The prompt set requests draw from (none: every prompt unique).</summary>
    private protected PromptSet Prompts { get; init; }

    /// <summary>Repeated queries each request draws from (by popularity); null when prompts come from <see cref="Prompts"/> or are unique.</summary>
    private protected QueryPopularity? Queries { get; init; }

    /// <summary>Draws which prompt of <see cref="Prompts"/> each request sends.</summary>
    private protected RandomStream? PromptChoice { get; init; }

    /// <summary>Draws the next request's prompt from <see cref="Prompts"/>; called once per request.</summary>
    private protected void NextPrompt() =>
        Identity = Queries is not null ? new PromptIdentity(-1, 0, Queries.Sample(PromptChoice!))
            : Prompts.Distinct > 0 ? Prompts.For(PromptChoice!.NextInt(Prompts.Distinct))
            : PromptIdentity.Unique;

    /// <summary>
    /// A load generator's staged schedule (inference-perf, guidellm): evenly spaced requests at each stage's rate, one
    /// stage after another, each sending a prompt drawn from <paramref name="prompts"/>.
    /// </summary>
    public static RequestSource Staged(IReadOnlyList<LoadStage> stages, TokenLengths prompt, TokenLengths output, PromptSet prompts, RandomStreams streams)
    {
        if (stages.Count == 0)
        {
            throw new ArgumentException("a staged load needs at least one stage");
        }

        return new StagedSource(stages.Select(s => s.Validated()).ToArray(), prompt, output, streams.For("prompt-lengths"), streams.For("output-lengths")) { Prompts = prompts, PromptChoice = streams.For("prompt-choice") };
    }

    /// <summary>
    /// Open arrivals with independent prompt and output lengths, each sending a prompt drawn from <paramref name="prompts"/>
    /// or a query drawn by popularity from <paramref name="queries"/> (neither: unique prompts).
    /// </summary>
    public static RequestSource Open(ArrivalProcess arrivals, TokenLengths prompt, TokenLengths output, RandomStreams streams, PromptSet prompts = default, QueryPopularity? queries = null) =>
        new OpenSource(arrivals, prompt, output, streams.For("arrivals"), streams.For("prompt-lengths"), streams.For("output-lengths")) { Prompts = prompts, Queries = queries, PromptChoice = streams.For("prompt-choice") };

    /// <summary>
    /// A closed loop of <paramref name="concurrency"/> users, each sending again a think time after a response: exactly
    /// <paramref name="thinkNanos"/>, or exponential with that mean (the classic closed queueing model, whose jitter keeps
    /// users from staying in lock-step). With <paramref name="rampNanos"/> the users start at uniform random times in
    /// [0, ramp) instead of all at once.
    /// </summary>
    public static RequestSource ClosedLoop(
        int concurrency, long thinkNanos, TokenLengths prompt, TokenLengths output, RandomStreams streams, ThinkTime think = ThinkTime.Fixed, long rampNanos = 0, PromptSet prompts = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(thinkNanos);
        ArgumentOutOfRangeException.ThrowIfNegative(rampNanos);
        return new ClosedSource(concurrency, thinkNanos, think, rampNanos, prompt, output, streams) { Prompts = prompts, PromptChoice = streams.For("prompt-choice") };
    }

    /// <summary>Replays a trace (records sorted by offset).</summary>
    public static RequestSource Trace(IReadOnlyList<TraceRecord> records, double timeScale = 1) => new TraceSource(records, timeScale);

    private sealed class OpenSource(ArrivalProcess arrivals, TokenLengths prompt, TokenLengths output, RandomStream gaps, RandomStream prompts, RandomStream outputs) : RequestSource
    {
        public override long NextGap(long now) => arrivals.NextGap(now, gaps);

        public override (int Prompt, int Output) NextLengths()
        {
            NextPrompt();
            return (prompt.Sample(prompts), output.Sample(outputs));
        }
    }

    private sealed class ClosedSource(int concurrency, long think, ThinkTime kind, long ramp, TokenLengths prompt, TokenLengths output, RandomStreams streams) : RequestSource
    {
        private readonly RandomStream _prompts = streams.For("prompt-lengths");
        private readonly RandomStream _outputs = streams.For("output-lengths");
        private readonly RandomStream _thinks = streams.For("think-times");
        private readonly RandomStream _starts = streams.For("ramp-up");

        public override int InitialRequests => concurrency;

        public override bool IsClosedLoop => true;

        public override long NextThinkNanos() =>
            kind == ThinkTime.Exponential && think > 0 ? (long)Math.Round(_thinks.Exponential(1.0 / think)) : think;

        public override long NextInitialArrival() => ramp > 0 ? (long)(_starts.NextDouble() * ramp) : 0;

        public override long NextGap(long now) => long.MaxValue;

        public override (int Prompt, int Output) NextLengths()
        {
            NextPrompt();
            return (prompt.Sample(_prompts), output.Sample(_outputs));
        }
    }

    private sealed class StagedSource(LoadStage[] stages, TokenLengths prompt, TokenLengths output, RandomStream prompts, RandomStream outputs) : RequestSource
    {
        private int _stage;
        private long _stageStart;
        private long _sent;

        public override long NextGap(long now)
        {
            while (_stage < stages.Length)
            {
                // The k-th request of a stage leaves at start + k/rate, computed from the start so gaps do not drift.
                LoadStage stage = stages[_stage];
                long at = _stageStart + SimTime.FromSeconds(_sent / stage.RatePerSecond);
                long end = _stageStart + SimTime.FromSeconds(stage.DurationSeconds);
                if (at < end)
                {
                    _sent++;
                    return Math.Max(0, at - now);
                }

                _stage++;
                _stageStart = end;
                _sent = 0;
            }

            return long.MaxValue;
        }

        public override (int Prompt, int Output) NextLengths()
        {
            NextPrompt();
            return (prompt.Sample(prompts), output.Sample(outputs));
        }
    }

    private sealed class TraceSource : RequestSource
    {
        private readonly TraceRecord[] _records;
        private readonly double _scale;
        private int _next;
        private int _current = -1;

        public TraceSource(IReadOnlyList<TraceRecord> records, double scale)
        {
            _records = records.OrderBy(r => r.OffsetNanos).ToArray();
            _scale = scale > 0 ? scale : throw new ArgumentException("trace time scale must be positive");
        }

        public override long NextGap(long now)
        {
            if (_next >= _records.Length)
            {
                return long.MaxValue;
            }

            long at = (long)(_records[_next].OffsetNanos * _scale);
            _current = _next++;
            return Math.Max(0, at - now);
        }

        public override (int Prompt, int Output) NextLengths()
        {
            Identity = _records[_current].Identity;
            Class = _records[_current].Class;
            return (Math.Max(1, _records[_current].PromptTokens), Math.Max(1, _records[_current].OutputTokens));
        }
    }
}
