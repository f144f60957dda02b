using ClusterSim.Core.Economics;
using ClusterSim.Core.Engine;
using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.Workload;
using ClusterSim.Core.Metrics;
using ClusterSim.Core.Training;
using ClusterSim.Experiments.Files;

namespace ClusterSim.Experiments.Running;

/// <summary>
/// Runs every (point, replication) of an experiment on up to <c>workers</c> cores. Each run has its own
/// seeded streams, so results do not depend on the worker count or on scheduling order.
/// </summary>
public static class ExperimentRunner
{
    /// <summary>Runs the experiment; <paramref name="progress"/> receives the number of runs finished so far.</summary>
    public static IReadOnlyList<PointResult> Run(Experiment experiment, int workers, IProgress<int>? progress = null, CancellationToken cancel = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        var options = new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = cancel };
        double[] saturation = MeasureSaturation(experiment, options);
        var rates = experiment.Points.Select((p, i) => p.Serving is { } s && p.Lifecycle is null
            ? s.Arrival.Rate ?? (s.Arrival.Load is { } load ? load * saturation[i] : double.NaN)
            : double.NaN).ToArray();

        int total = experiment.Points.Count * experiment.Replications;
        var results = new ISimulationResult[total];
        int done = 0;
        Parallel.For(0, total, options, run =>
        {
            int pointIndex = run / experiment.Replications;
            long seed = RandomStreams.ForReplication(experiment.Seed, run % experiment.Replications);
            results[run] = RunOne(experiment.Points[pointIndex], rates[pointIndex], seed);
            progress?.Report(Interlocked.Increment(ref done));
        });

        return experiment.Points.Select((p, i) =>
        {
            var reps = results.Skip(i * experiment.Replications).Take(experiment.Replications).ToList();
            var scalars = reps.Select(r => r.Scalars()).ToList();   // once per replication: some results derive them from long histories
            var summaries = scalars[0].Select((s, k) => Statistics.Summarise(s.Name, scalars.Select(r => r[k].Value))).ToList();
            return new PointResult(p, rates[i], saturation[i], reps, summaries);
        }).ToList();
    }

    private static ISimulationResult RunOne(ExperimentPoint point, double rate, long seed) =>
        point.Industry is { } industry ? IndustryRun(point, industry, seed)
        : point.Lifecycle is not null ? LifecycleRunner.Run(point, seed)
        : point.Training is { } job ? new TrainingRun(job, seed).Run()
        : new ServingCluster(Scenario(point.Serving!, rate, seed)).Run();

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

    /// <summary>Saturation rate per point; points that differ only in their arrival rate share one measurement.</summary>
    private static double[] MeasureSaturation(Experiment experiment, ParallelOptions options)
    {
        var loadPoints = experiment.Points.Where(p => p.Lifecycle is null && p.Serving?.Arrival.Load is not null).Select(p => p.Serving!).DistinctBy(SaturationKey).ToList();
        var measured = new double[loadPoints.Count];
        Parallel.For(0, loadPoints.Count, options, i => measured[i] = SaturationFinder.Measure(loadPoints[i], experiment.Seed));
        var byKey = loadPoints.Select((p, i) => (SaturationKey(p), measured[i])).ToDictionary(x => x.Item1, x => x.Item2);
        return experiment.Points.Select(p => p.Serving is { } s && p.Lifecycle is null ? byKey.GetValueOrDefault(SaturationKey(s), double.NaN) : double.NaN).ToArray();
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
            "closed-loop" => RequestSource.ClosedLoop(p.Arrival.Concurrency, SimTime.FromSeconds(p.Arrival.ThinkSeconds), p.Prompt.Build(), p.Output.Build(), streams),
            "trace" => RequestSource.Trace(p.Trace!),
            _ => RequestSource.Open(p.Arrival.Build(rate), p.Prompt.Build(), p.Output.Build(), streams),
        },
        MaxRequests = p.Requests,
        HorizonSeconds = p.HorizonSeconds,
        WarmupSeconds = p.WarmupSeconds,
        Slo = p.Slo,
        SeriesIntervalSeconds = p.SeriesIntervalSeconds,
        TestTime = p.TestTime,
        Disaggregation = p.Disaggregation,
        Seed = seed,
    };
}
