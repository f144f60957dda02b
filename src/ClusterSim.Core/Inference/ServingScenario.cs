using ClusterSim.Core.Engine;
using ClusterSim.Core.Inference.Routing;
using ClusterSim.Core.Inference.Workload;

namespace ClusterSim.Core.Inference;

/// <summary>A complete serving run: replicas, router, traffic, limits and the latency objective. Validated before it runs.</summary>
public sealed record ServingScenario
{
    public required IReadOnlyList<ReplicaGroup> Replicas { get; init; }

    /// <summary>
    /// Whether an owner (a shared cluster's autoscaler) adds and drains replicas while it runs: groups are then the
    /// shapes it may add and may start empty, and requests that find no replica wait at the front end.
    /// </summary>
    public bool Elastic { get; init; }

    /// <summary>
    /// An elastic fleet's placements, each what its owner adds at once by the placement's index: a replica of a group, or a
    /// prefill/decode unit (added, drained and returned whole). Empty: a replica of each group, by the group's index.
    /// </summary>
    public IReadOnlyList<FleetPlacement> Placements { get; init; } = [];

    /// <summary>Whether some requests are prefilled on one replica and decoded on another (a fixed fleet's split or an elastic fleet's units).</summary>
    public bool HandsOff => Disaggregation is not null || Placements.Any(p => p.IsUnit);
    public RouterKind Router { get; init; } = RouterKind.LeastOutstanding;

    /// <summary>Builds the request source from the replication's random streams.</summary>
    public required Func<RandomStreams, RequestSource> Workload { get; init; }

    /// <summary>Stop generating requests after this many (open and closed sources).</summary>
    public long MaxRequests { get; init; } = 10_000;

    /// <summary>Stop generating requests after this much simulated time, seconds.</summary>
    public double HorizonSeconds { get; init; } = double.PositiveInfinity;

    /// <summary>
    /// How long a client waits for its whole answer, seconds: a request still queued past it is dropped, and one that
    /// finishes later counts as timed out rather than served (load generators such as inference-perf do this).
    /// </summary>
    public double ClientTimeoutSeconds { get; init; } = double.PositiveInfinity;

    /// <summary>
    /// True (the default, as benchmark clients do) when each request carries <c>max_tokens</c>, its output length: one
    /// longer (prompt and output) than the server's context is refused. False when clients leave it out, so the server
    /// caps each answer at its context (vLLM's default, <c>max_model_len</c> − prompt; the answer ends there, finish
    /// reason "length"), and only a prompt that leaves no room for an output token is refused.
    /// </summary>
    public bool ClientSendsMaxTokens { get; init; } = true;

    /// <summary>
    /// The most requests an open-arrival client keeps in flight (vLLM's and SGLang's benchmark clients with both a request
    /// rate and <c>--max-concurrency</c>): a request due while that many are unanswered is sent when one finishes, and
    /// its latencies count from then. 0: no cap.
    /// </summary>
    public int ClientConcurrencyCap { get; init; }

    /// <summary>Requests arriving before this time are served but not measured, seconds.</summary>
    public double WarmupSeconds { get; init; }
    public ServiceLevelObjective Slo { get; init; } = new();

    /// <summary>Spacing of the queue, KV and batch time series, seconds.</summary>
    public double SeriesIntervalSeconds { get; init; } = 1;

    /// <summary>Most points a time series keeps (it doubles its interval when full); 0 keeps every interval.</summary>
    public int SeriesMaxPoints { get; init; }

    /// <summary>
    /// Whether the queue, KV, batch and per-interval latency series are sampled (the default); a run measured only for its
    /// totals and latency distributions (a capacity search's attempts) leaves them empty and costs no sampling events.
    /// </summary>
    public bool SampleSeries { get; init; } = true;

    /// <summary>Advance unchanged decode stretches in one event (exactly equivalent; off only for tests).</summary>
    public bool MacroStepping { get; init; } = true;

    /// <summary>
    /// True when the client hands requests to the engine in its own process (an offline batch: vLLM's <c>LLM.generate</c>,
    /// trtllm-bench, a static-batch benchmark, MLPerf's Offline scenario), so requests sent at one instant are all queued
    /// before an idle engine forms its first step. False (the default): they come through a server's front end, which
    /// takes them one at a time, and an idle engine starts on the first while the others are still being read.
    /// </summary>
    public bool InProcessSubmission { get; init; }

    /// <summary>Test-time-compute policy applied to every request; null for plain single-pass serving.</summary>
    public TestTime.TestTimeOptions? TestTime { get; init; }

    /// <summary>A front-end cache of answers to repeated queries; null for none.</summary>
    public ResponseCacheOptions? ResponseCache { get; init; }

    /// <summary>Multi-turn conversations opened by each arrival; null for single requests.</summary>
    public Workload.ConversationOptions? Conversations { get; init; }

    /// <summary>
    /// Shares of the traffic with their own priority and their own latency figures; empty: one class. Each request's
    /// class is drawn from its own random stream, so adding classes leaves every other draw of the run unchanged.
    /// </summary>
    public IReadOnlyList<RequestClass> Classes { get; init; } = [];

    /// <summary>Separate prefill and decode pools; null serves each request on one replica.</summary>
    public Disaggregation? Disaggregation { get; init; }

    /// <summary>
    /// Receives the share of the run done (arrivals against the request limit, or simulated time against the horizon,
    /// whichever is further), about every 1 %; null when nobody watches.
    /// </summary>
    public IProgress<double>? Progress { get; init; }

    /// <summary>Sees every iteration and request (for a trace); null in normal runs.</summary>
    public IServingObserver? Observer { get; init; }
    public long Seed { get; init; } = 1;

    /// <summary>Checks limits; throws <see cref="ArgumentException"/> naming the bad field.</summary>
    public ServingScenario Validated()
    {
        if (Replicas.Count == 0 || Replicas.Any(g => g.Count < (Elastic ? 0 : 1)))
        {
            throw new ArgumentException(Elastic ? "an elastic serving scenario needs a replica shape per group" : "a serving scenario needs at least one replica in every group");
        }

        if (Elastic && (TestTime is not null || Conversations is not null))
        {
            throw new ArgumentException("an elastic fleet serves without test-time compute or conversations");
        }

        if (Elastic && Disaggregation is not null)
        {
            throw new ArgumentException("an elastic fleet adds prefill/decode units by its placements (Placements with a split), not a fixed fleet's disaggregation");
        }

        if (Placements.Count > 0 && !Elastic)
        {
            throw new ArgumentException("fleet placements are what an elastic fleet's owner adds; a fixed fleet has its groups' replicas");
        }

        foreach (FleetPlacement placement in Placements)
        {
            placement.Validated(Replicas.Count);
        }

        if (Placements.Any(p => p.IsUnit) && Replicas.Any(g => g.Count > 0))
        {
            throw new ArgumentException("an elastic fleet with prefill/decode units starts empty: its owner adds every unit and replica");
        }

        if (ClientConcurrencyCap < 0 || (ClientConcurrencyCap > 0 && (TestTime is not null || Conversations is not null || Elastic)))
        {
            throw new ArgumentException("a client concurrency cap must be positive, and applies to a client sending one request an answer (no test-time compute or conversations) to a fixed fleet");
        }

        if (MaxRequests < 1)
        {
            throw new ArgumentException($"max_requests must be at least 1, got {MaxRequests}");
        }

        if (!(ClientTimeoutSeconds > 0))
        {
            throw new ArgumentException($"client timeout must be positive, got {ClientTimeoutSeconds}");
        }

        if (!(HorizonSeconds > 0) || !(SeriesIntervalSeconds > 0) || WarmupSeconds < 0)
        {
            throw new ArgumentException("horizon and series interval must be positive and warm-up not negative");
        }

        if (RequestClass.Problem(Classes) is { } problem)
        {
            throw new ArgumentException(problem);
        }

        foreach (ReplicaGroup group in Replicas)
        {
            group.Deployment.Validated();
            group.Scheduler.Validated();
        }

        return this;
    }
}
