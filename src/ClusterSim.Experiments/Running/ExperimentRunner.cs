using ClusterSim.Core.Economics;
using ClusterSim.Core.Engine;
using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.Workload;
using ClusterSim.Core.Metrics;
using ClusterSim.Core.Training;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Results;

namespace ClusterSim.Experiments.Running;

/// <summary>
/// Runs every (point, replication) of an experiment on up to <c>workers</c> cores. Each run has its own
/// seeded streams, so results do not depend on the worker count or on scheduling order.
/// </summary>
public static class ExperimentRunner
{
    /// <summary>Runs every point in memory on <paramref name="workers"/> cores.</summary>
    public static IReadOnlyList<PointResult> Run(Experiment experiment, int workers) => Run(experiment, new RunOptions { Workers = workers });

    /// <summary>
    /// Runs the points <paramref name="options"/> give this process (a shard, less those already finished when resuming)
    /// and returns the results of every point it owns, in point order. With a directory, each point's files are written
    /// as it finishes, so an interrupted run loses at most the points in progress.
    /// </summary>
    /// <exception cref="InvalidDataException">The directory holds another experiment's results.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; points finished before are on disk.</exception>
    /// <exception cref="AggregateException">A run failed; points finished before are on disk.</exception>
    public static IReadOnlyList<PointResult> Run(Experiment experiment, RunOptions options, IProgress<RunProgress>? progress = null, CancellationToken cancel = default)
    {
        options.Validated();
        if (options.Directory is { } directory)
        {
            RunDirectory.CheckUsable(directory, experiment, options.Resume);
        }

        var owned = experiment.Points.Where(p => options.Shard.Owns(p.Index)).ToList();
        var finished = new SortedDictionary<int, PointResult>();
        if (options.Resume)
        {
            foreach (ExperimentPoint point in owned)
            {
                if (PointFiles.TryRead(options.Directory!, experiment, point) is { } stored)
                {
                    finished.Add(point.Index, stored);
                }
            }
        }

        var pending = owned.Where(p => !finished.ContainsKey(p.Index)).ToList();
        var pipeline = new RunPipeline(experiment, pending, options, progress, finished.Count * experiment.Replications, owned.Count * experiment.Replications);
        pipeline.Run(MeasureRates(experiment, pending, options.Workers, cancel), result => finished.Add(result.Point.Index, result), cancel);
        return finished.Values.ToList();
    }

    /// <summary>One replication of a point, as its seed gives it; serving runs report their share done to <paramref name="share"/>.</summary>
    internal static ISimulationResult RunOne(ExperimentPoint point, double rate, long seed, IProgress<double>? share = null) =>
        point.Industry is { } industry ? IndustryRun(point, industry, seed)
        : point.Lifecycle is not null ? LifecycleRunner.Run(point, seed)
        : point.Training is { } job ? new TrainingRun(job, seed).Run()
        : new ServingCluster(Scenario(point.Serving!, rate, seed) with { Progress = share }).Run();

    /// <summary>The industry view on a simulated lifecycle: its training bill and its cost per token set the base year.</summary>
    private static IndustryResult IndustryRun(ExperimentPoint point, IndustryOptions industry, long seed)
    {
        LifecycleResult lifecycle = LifecycleRunner.Run(point, seed);
        IndustryOptions options = industry with
        {
            BaseTrainingUsd = lifecycle.TrainingCostUsd,
            BaseUsdPerMillionTokens = lifecycle.CostPerMillionTokensAtLaunch,
        };
        return new IndustryResult(lifecycle, options, IndustryModel.Run(options));
    }

    /// <summary>
    /// Arrival rate and saturation rate of each point (NaN where they do not apply). A load is a share of the measured
    /// saturation rate; points that differ only in their arrival rate share one measurement.
    /// </summary>
    private static (double Rate, double Saturation)[] MeasureRates(Experiment experiment, IReadOnlyList<ExperimentPoint> points, int workers, CancellationToken cancel)
    {
        var loadPoints = points.Where(p => p.Lifecycle is null && p.Serving?.Arrival.Load is not null).Select(p => p.Serving!).DistinctBy(SaturationKey).ToList();
        var measured = new double[loadPoints.Count];
        Parallel.For(0, loadPoints.Count, new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = cancel }, i => measured[i] = SaturationFinder.Measure(loadPoints[i], experiment.Seed));
        var byKey = loadPoints.Select((p, i) => (SaturationKey(p), measured[i])).ToDictionary(x => x.Item1, x => x.Item2);
        return points.Select(p =>
        {
            if (p.Serving is not { } s || p.Lifecycle is not null)
            {
                return (double.NaN, double.NaN);
            }

            double saturation = byKey.GetValueOrDefault(SaturationKey(s), double.NaN);
            return (s.Arrival.Rate ?? (s.Arrival.Load is { } load ? load * saturation : double.NaN), saturation);
        }).ToArray();
    }

    private static string SaturationKey(ServingPoint p) =>
        $"{string.Join(";", p.Replicas)}|{p.Router}|{p.Prompt}|{p.Output}|{p.Disaggregation}|{p.TestTime}";

    /// <summary>The serving scenario of one replication of a point at the given arrival rate.</summary>
    public static ServingScenario Scenario(ServingPoint p, double rate, long seed) => new()
    {
        Replicas = p.Replicas,
        Router = p.Router,
        Workload = streams => p.Arrival.Kind switch
        {
            "closed-loop" => RequestSource.ClosedLoop(
                p.Arrival.Concurrency, SimTime.FromSeconds(p.Arrival.ThinkSeconds), p.Prompt.Build(), p.Output.Build(), streams, p.Arrival.Think, SimTime.FromSeconds(p.Arrival.RampSeconds), p.Prompts),
            "trace" => RequestSource.Trace(p.Trace!),
            _ => RequestSource.Open(p.Arrival.Build(rate), p.Prompt.Build(), p.Output.Build(), streams, p.Prompts, p.Queries?.Build()),
        },
        MaxRequests = p.Requests,
        HorizonSeconds = p.HorizonSeconds,
        WarmupSeconds = p.WarmupSeconds,
        ClientTimeoutSeconds = p.ClientTimeoutSeconds,
        Conversations = p.Conversation?.Build(),
        ResponseCache = p.ResponseCache,
        Slo = p.Slo,
        SeriesIntervalSeconds = p.SeriesIntervalSeconds,
        TestTime = p.TestTime,
        Disaggregation = p.Disaggregation,
        Seed = seed,
    };
}
