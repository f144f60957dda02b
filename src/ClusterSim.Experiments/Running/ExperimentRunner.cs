using ClusterSim.Core.Economics;
using ClusterSim.Core.Engine;
using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.Workload;
using ClusterSim.Core.Metrics;
using ClusterSim.Core.Training;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Results;
using ClusterSim.Experiments.Studies;

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
            if (options.Shard.IsWhole)
            {
                // A whole run owns its directory: what a kill left half-written is swept away (shards may share one, so not theirs).
                RunDirectory.RemoveLeftovers(options.Directory!);
            }

            foreach (ExperimentPoint point in owned)
            {
                if (Stored(options.Directory!, experiment, point) is { } stored)
                {
                    finished.Add(point.Index, stored);
                }
            }
        }

        var pending = owned.Where(p => !finished.ContainsKey(p.Index)).ToList();
        // Sequential replications ask for more as they go: the total grows from each pending point's first ones.
        int done = finished.Values.Sum(p => p.Replications.Count);
        var pipeline = new RunPipeline(experiment, pending, options, progress, done, done + (pending.Count * experiment.Replications));
        pipeline.Run(MeasureRates(experiment, pending, options.Workers, cancel), result => finished.Add(result.Point.Index, result), cancel);
        return finished.Values.ToList();
    }

    /// <summary>A point a resumed run already finished, or null when it must run: never written, or truncated or corrupted (never trusted).</summary>
    private static PointResult? Stored(string directory, Experiment experiment, ExperimentPoint point)
    {
        try
        {
            return PointFiles.TryRead(directory, experiment, point);
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>One replication of a point, as its seed gives it; serving runs report their share done to <paramref name="share"/>.</summary>
    internal static ISimulationResult RunOne(ExperimentPoint point, double rate, long seed, IProgress<double>? share = null) => point.Study.Run(point, rate, seed, share);

    /// <summary>
    /// Arrival rate and saturation rate of each point (NaN where they do not apply). A load is a share of the measured
    /// saturation rate; points that differ only in their arrival rate share one measurement.
    /// </summary>
    private static (double Rate, double Saturation)[] MeasureRates(Experiment experiment, IReadOnlyList<ExperimentPoint> points, int workers, CancellationToken cancel)
    {
        var loadPoints = points.Where(p => p.Study.MeasuresSaturation(p)).Select(p => p.Serving!).DistinctBy(SaturationKey).ToList();
        var measured = new double[loadPoints.Count];
        Parallel.For(0, loadPoints.Count, new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = cancel }, i => measured[i] = SaturationFinder.Measure(loadPoints[i], experiment.Seed));
        var byKey = loadPoints.Select((p, i) => (SaturationKey(p), measured[i])).ToDictionary(x => x.Item1, x => x.Item2);
        return points.Select(p =>
        {
            if (p.Study.Kind != StudyKind.Serving || p.Serving is not { } s)
            {
                return (double.NaN, double.NaN);
            }

            double saturation = byKey.GetValueOrDefault(SaturationKey(s), double.NaN);
            return (s.Arrival.Rate ?? (s.Arrival.Load is { } load ? load * saturation : double.NaN), saturation);
        }).ToArray();
    }

    private static string SaturationKey(ServingPoint p) =>
        $"{string.Join(";", p.Replicas)}|{p.Router}|{p.Prompt}|{p.Output}|{p.Disaggregation}|{p.TestTime}";
}
