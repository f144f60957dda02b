using System.Globalization;
using ClusterSim.Core.Engine;
using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.Workload;
using ClusterSim.Core.Metrics;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Results;

namespace ClusterSim.Experiments.Studies;

/// <summary>Requests served by a fleet of replicas, one event per batch iteration; with a test-time policy, accuracy against cost.</summary>
public sealed class ServingStudy : Study
{
    public static readonly ServingStudy Instance = new();

    private static readonly MetricColumn[] Latency =
    [
        new("requests_per_s", "req/s", 1, "0.0"),
        new("throughput_output_tok_s", "out tok/s", 1, "0"),
        new("ttft_p50_s", "TTFT p50 ms", 1e3, "0"),
        new("ttft_p99_s", "TTFT p99 ms", 1e3, "0"),
        new("tpot_p50_s", "TPOT p50 ms", 1e3, "0.0"),
        new("tpot_p99_s", "TPOT p99 ms", 1e3, "0.0"),
        new("e2e_p50_s", "E2E p50 s", 1, "0.00"),
        new("e2e_p99_s", "E2E p99 s", 1, "0.00"),
        new("slo_attainment", "SLO met", 100, "0.0'%'"),
    ];

    private static readonly MetricColumn[] TestTime =
    [
        new("tt_accuracy", "accuracy", 100, "0.0'%'"),
        new("tt_samples_per_request", "samples", 1, "0.0"),
        new("tt_output_tokens_per_request", "tokens/req", 1, "0"),
        new("tt_accelerator_seconds_per_request", "GPU-s/req", 1, "0.000"),
        new("tt_cost_per_1k_requests_usd", "$/1k req", 1, "0.000"),
        new("tt_latency_p50_s", "p50 s", 1, "0.0"),
        new("tt_latency_p99_s", "p99 s", 1, "0.0"),
    ];

    private ServingStudy()
    {
    }

    /// <inheritdoc/>
    public override StudyKind Kind => StudyKind.Serving;

    /// <inheritdoc/>
    public override Timeline? Timeline(ExperimentPoint point, double rate, long seed)
    {
        var recorder = new ServingTraceRecorder();
        new ServingCluster(Scenario(point.Serving!, rate, seed) with { Observer = recorder }).Run();
        return new Timeline(stream => PerfettoTrace.Write(stream, recorder), recorder.Truncated ? $"cut at the first {recorder.Limit:N0} iterations and requests" : null);
    }

    /// <inheritdoc/>
    public override bool MeasuresSaturation(ExperimentPoint point) => point.Serving!.Arrival.Load is not null;

    /// <inheritdoc/>
    public override bool ShowsArrivalRate(IReadOnlyList<PointResult> results) => !UsesTestTime(results);

    /// <inheritdoc/>
    public override ISimulationResult Run(ExperimentPoint point, double rate, long seed, IProgress<double>? share)
    {
        ServingPoint serving = point.Serving!;
        if (!serving.WarmupAuto)
        {
            return new ServingCluster(Scenario(serving, rate, seed) with { Progress = share }).Run();
        }

        // warmup_s: auto. The same replication twice: once to see where the requests in the system settle (MSER-5 on its
        // series), then with that start left out of every figure. Each run is half of the replication's progress.
        // Its series as fine as the bounded length allows (0.1 s, doubled until the run fits), so a transient of seconds shows.
        ServingResult pilot = new ServingCluster(Scenario(serving, rate, seed) with
        {
            Progress = Half(share, 0),
            SeriesIntervalSeconds = PilotIntervalSeconds,
            SeriesMaxPoints = ExperimentLoader.DefaultSeriesPoints,
        }).Run();
        SeriesTable series = pilot.Series();
        // The run's own span only: the series' last sample may fall after the run's last event, which would let MSER's
        // "first half" reach past the middle of the run.
        int within = series.TimeSeconds.Count(t => t <= pilot.DurationSeconds);
        double[] inSystem = [.. series.Column("queue_length").Values.Zip(series.Column("running_sequences").Values, (q, r) => q + r).Take(within)];
        // Too short a run to judge: nothing is left out, and warmup_s says so as NaN (the findings count them).
        int? cut = Mser.Truncation(inSystem);
        double warmup = cut is { } c && c < series.TimeSeconds.Count ? series.TimeSeconds[c] : 0;
        ServingResult measured = new ServingCluster(Scenario(serving with { WarmupSeconds = warmup }, rate, seed) with { Progress = Half(share, 0.5) }).Run();
        return new WarmedUpResult(measured, cut is null ? double.NaN : warmup);
    }

    /// <summary>The finest interval of the series a warm-up is chosen from.</summary>
    private const double PilotIntervalSeconds = 0.1;

    private static PartOfProgress? Half(IProgress<double>? share, double from) => share is null ? null : new PartOfProgress(share, from, 0.5);

    /// <inheritdoc/>
    public override IReadOnlyList<MetricColumn> SummaryColumns(IReadOnlyList<PointResult> results) => UsesTestTime(results) ? TestTime : Latency;

    /// <inheritdoc/>
    public override IReadOnlyList<string> SweepMetrics(IReadOnlyList<PointResult> results) =>
        results[0].Metrics.Any(m => m.Name == "moe_imbalance_mean") ? ["throughput_output_tok_s", "moe_imbalance_mean", "moe_time_vs_dense"]
        // With classes held to their own SLOs, what a policy changes is how many requests meet theirs.
        : results[0].Point.Serving!.Classes.Count > 0 ? ["goodput_req_s", "slo_attainment"]
        // At one offered rate every point serves the same throughput: what differs is latency.
        : results.All(r => r.ArrivalRate == results[0].ArrivalRate) && results[0].ArrivalRate > 0 ? ["ttft_mean_s", "e2e_mean_s"]
        : ["throughput_output_tok_s", "goodput_req_s"];

    /// <summary>With request classes, a sentence per class and point: its latency and SLO attainment, and its preemptions.</summary>
    public override IEnumerable<string> Findings(IReadOnlyList<PointResult> results)
    {
        foreach (PointResult r in results)
        {
            string where = r.Point.Parameters.Count == 0 ? string.Empty : $" ({r.Point.Label})";
            string policy = r.Point.Serving!.Replicas[0].Scheduler.Policy == SchedulingPolicy.Priority ? "by priority" : "first come, first served";
            foreach (RequestClass c in r.Point.Serving.Classes)
            {
                double M(string name) => r.Metric($"class.{c.Name}.{name}").Mean;
                string head = $"{c.Name} (priority {c.Priority}, {c.Share:P0} of requests, {policy})";
                yield return M("requests_completed") > 0 && double.IsFinite(M("ttft_p50_s"))
                    ? string.Create(CultureInfo.InvariantCulture,
                        $"{head}: TTFT p50 {M("ttft_p50_s") * 1e3:0} ms, p99 {M("ttft_p99_s") * 1e3:0} ms; E2E p99 {M("e2e_p99_s"):0.00} s; SLO met {M("slo_attainment"):P1}; {M("preemptions"):0} preemptions{where}")
                    : $"{head}: not every replication completed a request of the class, so it has no latency figures{where}";
            }
        }
    }

    /// <summary>Whether these points compare test-time policies.</summary>
    public static bool UsesTestTime(IReadOnlyList<PointResult> results) => results[0].Point.Serving!.TestTime is not null;

    /// <summary>The serving scenario of one replication of a point at the given arrival rate.</summary>
    public static ServingScenario Scenario(ServingPoint p, double rate, long seed) => new()
    {
        Replicas = p.Replicas,
        Router = p.Router,
        Workload = streams => p.Arrival.Kind switch
        {
            ArrivalKind.ClosedLoop => RequestSource.ClosedLoop(
                p.Arrival.Concurrency, SimTime.FromSeconds(p.Arrival.ThinkSeconds), p.Prompt.Build(), p.Output.Build(), streams, p.Arrival.Think, SimTime.FromSeconds(p.Arrival.RampSeconds), p.Prompts),
            ArrivalKind.Trace => RequestSource.Trace(p.Trace!),
            _ => RequestSource.Open(p.Arrival.Build(rate), p.Prompt.Build(), p.Output.Build(), streams, p.Prompts, p.Queries?.Build()),
        },
        MaxRequests = p.Requests,
        HorizonSeconds = p.HorizonSeconds,
        WarmupSeconds = p.WarmupSeconds,
        ClientTimeoutSeconds = p.ClientTimeoutSeconds,
        ClientSendsMaxTokens = p.ClientSendsMaxTokens,
        ClientConcurrencyCap = p.Arrival.Kind.IsOpen() ? p.Arrival.MaxInFlight : 0,
        InProcessSubmission = p.Arrival.InProcess,
        Conversations = p.Conversation?.Build(),
        Classes = p.Classes,
        ResponseCache = p.ResponseCache,
        Slo = p.Slo,
        SeriesIntervalSeconds = p.SeriesIntervalSeconds,
        SeriesMaxPoints = p.SeriesMaxPoints,
        TestTime = p.TestTime,
        Disaggregation = p.Disaggregation,
        Seed = seed,
    };
}
