using ClusterSim.Core.Engine;
using ClusterSim.Core.Metrics;

namespace ClusterSim.Core.Inference;

/// <summary>Everything measured while serving: latency sketches, token and request counters, and sampled series.</summary>
public sealed class ServingMetrics
{
    private readonly ServiceLevelObjective _slo;
    private readonly long _warmupNanos;
    private readonly long _timeoutNanos;

    /// <summary>
    /// Creates the collector; requests arriving before <paramref name="warmupNanos"/> are served but not measured, and
    /// those finishing more than <paramref name="timeoutNanos"/> after arriving count as timed out, not served. Without
    /// <paramref name="latencyWindows"/> the per-interval latency percentiles are not kept (a run that samples no series).
    /// </summary>
    public ServingMetrics(ServiceLevelObjective slo, long seriesIntervalNanos, long warmupNanos = 0, long timeoutNanos = long.MaxValue, int seriesMaxPoints = 0, bool latencyWindows = true)
    {
        _latencyWindows = latencyWindows;
        _slo = slo;
        _warmupNanos = warmupNanos;
        _timeoutNanos = timeoutNanos;
        QueueLength = new SampledSeries("queue_length", seriesIntervalNanos, seriesMaxPoints);
        KvOccupancy = new SampledSeries("kv_occupancy", seriesIntervalNanos, seriesMaxPoints);
        RunningSequences = new SampledSeries("running_sequences", seriesIntervalNanos, seriesMaxPoints);
        ExpertImbalanceSeries = new SampledSeries("expert_imbalance", seriesIntervalNanos, seriesMaxPoints);
        TtftP50 = new SampledSeries("ttft_p50_s", seriesIntervalNanos, seriesMaxPoints);
        TtftP99 = new SampledSeries("ttft_p99_s", seriesIntervalNanos, seriesMaxPoints);
        TpotP50 = new SampledSeries("tpot_p50_s", seriesIntervalNanos, seriesMaxPoints);
        TpotP99 = new SampledSeries("tpot_p99_s", seriesIntervalNanos, seriesMaxPoints);
    }

    /// <summary>Each request class's own figures, in the scenario's order; null when the traffic has no classes.</summary>
    public IReadOnlyList<ClassMetrics>? Classes => _classes;

    private ClassMetrics[]? _classes;

    /// <summary>Keeps figures for each of <paramref name="classes"/> as well (requests name theirs in the request table).</summary>
    public void TrackClasses(IReadOnlyList<RequestClass> classes) => _classes = classes.Count == 0 ? null : [.. classes.Select(c => new ClassMetrics(c))];

    // Requests completed in the current series interval, summarised and cleared at each sample (2 % relative error).
    private readonly QuantileSketch _windowTtft = new(0.02);
    private readonly QuantileSketch _windowTpot = new(0.02);
    private readonly bool _latencyWindows;   // false for a run that samples no series (nothing reads the windows)

    /// <summary>TTFT and TPOT percentiles of the requests completed in each series interval (NaN for an interval without completions).</summary>
    public SampledSeries TtftP50 { get; }
    public SampledSeries TtftP99 { get; }
    public SampledSeries TpotP50 { get; }
    public SampledSeries TpotP99 { get; }

    /// <summary>Publishes the current interval's latency percentiles and starts a new interval.</summary>
    public void CloseLatencyWindow(long now)
    {
        TtftP50.Set(now, _windowTtft.Count == 0 ? double.NaN : _windowTtft.Quantile(0.50));
        TtftP99.Set(now, _windowTtft.Count == 0 ? double.NaN : _windowTtft.Quantile(0.99));
        TpotP50.Set(now, _windowTpot.Count == 0 ? double.NaN : _windowTpot.Quantile(0.50));
        TpotP99.Set(now, _windowTpot.Count == 0 ? double.NaN : _windowTpot.Quantile(0.99));
        _windowTtft.Clear();
        _windowTpot.Clear();
    }

    /// <summary>
    /// Busiest accelerator's routed tokens over the mean, per MoE iteration: each replica keeps its own, in its own
    /// iteration order, and the run's is their merge in replica order (<see cref="MergeExpertImbalance"/>), so the sum does
    /// not depend on how replicas' iterations interleave (macro-steps record theirs when they end).
    /// </summary>
    public QuantileSketch ExpertImbalance { get; } = new();

    /// <summary>
    /// The imbalance of the latest iteration any replica ended before each grid time (the highest of those ending at the
    /// same instant), sampled with the other series (<see cref="ServingCluster"/>).
    /// </summary>
    public SampledSeries ExpertImbalanceSeries { get; }

    /// <summary>Sets <see cref="ExpertImbalance"/> to the merge of the replicas' own sketches, in the order given.</summary>
    public void MergeExpertImbalance(IEnumerable<QuantileSketch> replicas)
    {
        ExpertImbalance.Clear();
        foreach (QuantileSketch sketch in replicas)
        {
            ExpertImbalance.Merge(sketch);
        }
    }
    public long RoutedTokens { get; private set; }
    public long DroppedTokens { get; private set; }

    /// <summary>Iteration time of the MoE model and of a dense model with its active parameters, summed over routed iterations.</summary>
    public long MoeNanos { get; private set; }
    public long DenseEquivalentNanos { get; private set; }

    /// <summary>Records one routed iteration's tokens and times (its imbalance is the replica's: <see cref="ExpertImbalance"/>).</summary>
    public void RecordRouting(long routed, long dropped, long nanos, long denseNanos)
    {
        RoutedTokens += routed;
        DroppedTokens += dropped;
        MoeNanos += nanos;
        DenseEquivalentNanos += denseNanos;
    }

    public QuantileSketch Ttft { get; } = new();
    public QuantileSketch Tpot { get; } = new();
    public QuantileSketch InterToken { get; } = new();
    public QuantileSketch EndToEnd { get; } = new();
    public long Arrived { get; internal set; }
    public long Completed { get; private set; }
    public long Dropped { get; internal set; }

    /// <summary>Requests refused, among <see cref="Dropped"/>, for being longer (prompt and output) than the server's context.</summary>
    public long OverContext { get; internal set; }

    /// <summary>Requests whose answers the server cut at its context (clients that send no <c>max_tokens</c>): served, shorter.</summary>
    public long CutAtContext { get; internal set; }

    /// <summary>True when clients send no <c>max_tokens</c>, so the server caps answers at its context (the run reports how many it cut).</summary>
    public bool ServerCapsOutput { get; internal set; }

    /// <summary>True when evicted prefix blocks go to host memory (the run reports how many prompt tokens came back from there).</summary>
    public bool HasKvOffload { get; internal set; }

    /// <summary>True when replicas keep a prefix cache (the run reports its hit rate).</summary>
    public bool HasPrefixCache { get; internal set; }

    /// <summary>Prompt tokens of requests admitted with prefix caching on (re-admissions after a preemption included).</summary>
    public long PrefixLookupTokens { get; private set; }

    /// <summary>Of <see cref="PrefixLookupTokens"/>, those found in the prefix cache: neither prefilled nor allocated.</summary>
    public long PrefixHitTokens { get; private set; }

    /// <summary>Of <see cref="PrefixHitTokens"/>, those found in host memory (KV offload) and copied back.</summary>
    public long PrefixLoadedTokens { get; private set; }

    /// <summary>Records one admission's prefix-cache lookup (<paramref name="hitTokens"/> includes <paramref name="loadedTokens"/>).</summary>
    public void RecordPrefixLookup(int promptTokens, int hitTokens, int loadedTokens = 0)
    {
        PrefixLookupTokens += promptTokens;
        PrefixHitTokens += hitTokens;
        PrefixLoadedTokens += loadedTokens;
    }

    /// <summary>True when a front-end response cache answers repeated queries.</summary>
    public bool HasResponseCache { get; internal set; }

    /// <summary>Requests looked up in the response cache.</summary>
    public long ResponseCacheLookups { get; internal set; }

    /// <summary>Requests the response cache answered (no inference).</summary>
    public long ResponseCacheHits { get; internal set; }

    /// <summary>True when a disaggregated fleet may prefill a request on its decode replica (conditional disaggregation).</summary>
    public bool HasConditionalSplit { get; internal set; }

    /// <summary>Requests of a conditional split prefilled on their decode replica, and those sent to a prefill replica.</summary>
    public long LocalPrefills { get; internal set; }
    public long RemotePrefills { get; internal set; }

    /// <summary>The share of requests a conditional split prefilled on their decode replica (0 before any); null without one.</summary>
    public double? PrefilledLocally => HasConditionalSplit ? LocalPrefills / (double)Math.Max(1, LocalPrefills + RemotePrefills) : null;

    /// <summary>True when clients give up after a timeout (the run reports <see cref="TimedOut"/>).</summary>
    public bool HasClientTimeout => _timeoutNanos != long.MaxValue;

    /// <summary>Requests whose client gave up (dropped from a queue, or finished too late to count as served).</summary>
    public long TimedOut { get; internal set; }
    public long Preemptions { get; internal set; }
    public long MeetingSlo { get; private set; }
    public long PromptTokens { get; private set; }
    public long OutputTokens { get; private set; }
    public long Iterations { get; internal set; }
    public long ComputeBoundNanos { get; internal set; }
    public long BusyNanos { get; internal set; }
    public SampledSeries QueueLength { get; }
    public SampledSeries KvOccupancy { get; }
    public SampledSeries RunningSequences { get; }

    /// <summary>Records a finished request.</summary>
    public void RecordCompletion(RequestTable requests, int id, long now)
    {
        long arrival = requests.Arrival(id);
        if (arrival < _warmupNanos)
        {
            return;
        }

        if (now - arrival > _timeoutNanos)
        {
            TimedOut++;
            return;
        }

        Completed++;
        int output = requests.Output(id);
        PromptTokens += requests.Prompt(id);
        OutputTokens += output;
        double ttft = SimTime.ToSeconds(requests.FirstToken(id) - arrival);
        double e2e = SimTime.ToSeconds(now - arrival);
        double tpot = output > 1 ? SimTime.ToSeconds(now - requests.FirstToken(id)) / (output - 1) : 0;
        Ttft.Add(ttft);
        if (_latencyWindows)
        {
            _windowTtft.Add(ttft);
        }

        EndToEnd.Add(e2e);
        if (output > 1)
        {
            Tpot.Add(tpot);
            if (_latencyWindows)
            {
                _windowTpot.Add(tpot);
            }
        }

        // A request is held to its class's SLO where the class has one.
        ClassMetrics? byClass = _classes?[requests.Class(id)];
        ServiceLevelObjective slo = byClass?.Class.Slo ?? _slo;
        bool metSlo = ttft <= slo.TtftSeconds && tpot <= slo.TpotSeconds;
        if (metSlo)
        {
            MeetingSlo++;
        }

        byClass?.Record(ttft, e2e, tpot, output > 1, metSlo);
    }

    /// <summary>Records <paramref name="count"/> inter-token gaps of the same length.</summary>
    public void RecordInterToken(long gapNanos, long count, long now)
    {
        if (now >= _warmupNanos)
        {
            InterToken.AddNanos(gapNanos, count);
        }
    }

    /// <summary>
    /// Records the gaps of consecutive iterations, <paramref name="count"/> tokens each: iteration j lasted
    /// |<paramref name="durations"/>[j]| ns (the sign is the caller's) and the run starts at <paramref name="start"/>;
    /// <paramref name="rising"/> when the durations never decrease (a decode stretch's), which is cheaper to record.
    /// </summary>
    public void RecordInterTokenRun(ReadOnlySpan<long> durations, long count, long start, bool rising = false)
    {
        // Gaps that end before the warm-up is over are left out, as one at a time would leave them.
        int skip = 0;
        for (long t = start; skip < durations.Length && (t += Math.Abs(durations[skip])) < _warmupNanos; skip++)
        {
        }

        if (rising)
        {
            InterToken.AddNanosRising(durations[skip..], count);
        }
        else
        {
            InterToken.AddNanosRun(durations[skip..], count);
        }
    }
}
