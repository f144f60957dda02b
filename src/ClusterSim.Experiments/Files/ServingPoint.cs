using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.Routing;
using ClusterSim.Core.Inference.Workload;

namespace ClusterSim.Experiments.Files;

/// <summary>The serving side of an experiment point: replicas, router, workload and SLO.</summary>
public sealed record ServingPoint
{
    public required IReadOnlyList<ReplicaGroup> Replicas { get; init; }

    /// <summary>Test-time-compute policy and quality model; null for single-pass serving.</summary>
    public ClusterSim.Core.Inference.TestTime.TestTimeOptions? TestTime { get; init; }

    /// <summary>Separate prefill and decode pools, or null.</summary>
    public Disaggregation? Disaggregation { get; init; }
    public RouterKind Router { get; init; }
    public required ArrivalSpec Arrival { get; init; }
    public required LengthSpec Prompt { get; init; }
    public required LengthSpec Output { get; init; }

    /// <summary>The prompt set requests cycle through (shared system prompts, repeated prompts); none when every prompt is unique.</summary>
    public ClusterSim.Core.Inference.Workload.PromptSet Prompts { get; init; }

    /// <summary>Repeated queries by popularity; null when prompts are unique or come from <see cref="Prompts"/>.</summary>
    public QuerySpec? Queries { get; init; }

    /// <summary>The front-end cache of answers to repeated queries; null for none.</summary>
    public ResponseCacheOptions? ResponseCache { get; init; }

    /// <summary>Multi-turn conversations opened by each arrival; null for single requests.</summary>
    public ConversationSpec? Conversation { get; init; }
    public IReadOnlyList<TraceRecord>? Trace { get; init; }

    /// <summary>The trace file as the experiment names it (relative to the experiment); null without a trace.</summary>
    public string? TraceFile { get; init; }

    /// <summary>Shares of the traffic with their own priority and latency figures (<c>workload.classes</c>); empty: one class.</summary>
    public IReadOnlyList<RequestClass> Classes { get; init; } = [];
    public long Requests { get; init; }
    public double HorizonSeconds { get; init; }
    public double WarmupSeconds { get; init; }

    /// <summary>
    /// <c>warmup_s: auto</c>: each replication runs once to find where its start-up transient ends (MSER-5 on the requests
    /// in the system), then again with that warm-up left out of its figures.
    /// </summary>
    public bool WarmupAuto { get; init; }

    /// <summary>How long a client waits for its answer before giving up, seconds (infinite: forever).</summary>
    public double ClientTimeoutSeconds { get; init; } = double.PositiveInfinity;

    /// <summary>False when clients send no <c>max_tokens</c> (<c>workload.max_tokens: omitted</c>): the server caps each answer at its context (<see cref="Core.Inference.ServingScenario.ClientSendsMaxTokens"/>).</summary>
    public bool ClientSendsMaxTokens { get; init; } = true;

    public required ServiceLevelObjective Slo { get; init; }
    public double SeriesIntervalSeconds { get; init; }

    /// <summary>Most points a time series keeps (0: every interval).</summary>
    public int SeriesMaxPoints { get; init; }
}
