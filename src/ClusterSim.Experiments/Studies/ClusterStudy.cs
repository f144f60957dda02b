using ClusterSim.Core.Cluster;
using ClusterSim.Core.Engine;
using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.Workload;
using ClusterSim.Core.Metrics;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Results;
using ClusterSim.Experiments.Running;

namespace ClusterSim.Experiments.Studies;

/// <summary>
/// Training jobs and serving deployments on one cluster: each placement's replica capacity at its SLO is measured by
/// simulating a cell request by request (as the lifecycle does), then the cluster runs on one clock.
/// </summary>
public sealed class ClusterStudy : Study
{
    public static readonly ClusterStudy Instance = new();

    private static readonly MetricColumn[] Shared =
    [
        new("cluster_utilisation", "busy", 100, "0.0'%'"),
        new("training_share", "training", 100, "0.0'%'"),
        new("serving_share", "serving", 100, "0.0'%'"),
        new("slo_attainment", "SLO met", 100, "0.00'%'"),
        new("jobs_finished", "jobs done", 1, "0"),
        new("job_preemptions", "preemptions", 1, "0"),
        new("lost_accelerator_hours", "lost GPU-h", 1, "0"),
        new("cost_usd", "cost $M", 1e-6, "0.00"),
    ];

    private static readonly MetricColumn[] ServingOnly =
    [
        new("cluster_utilisation", "busy", 100, "0.0'%'"),
        new("slo_attainment", "SLO met", 100, "0.00'%'"),
        new("cost_usd", "cost $k", 1e-3, "0.0"),
        new("cost_per_mtok", "owned $/Mtok", 1, "0.000"),
    ];

    private ClusterStudy()
    {
    }

    /// <inheritdoc/>
    public override StudyKind Kind => StudyKind.Cluster;

    /// <inheritdoc/>
    public override ISimulationResult Run(ExperimentPoint point, double rate, long seed, IProgress<double>? share) =>
        new ClusterRun(Options(point.Cluster!, seed), new Simulator()).Run();

    /// <inheritdoc/>
    public override Timeline? Timeline(ExperimentPoint point, double rate, long seed)
    {
        var recorder = new ClusterTraceRecorder();
        new ClusterRun(Options(point.Cluster!, seed), new Simulator(), recorder).Run();
        return new Timeline(stream => ClusterPerfettoTrace.Write(stream, recorder, point.Cluster!), null);
    }

    /// <inheritdoc/>
    public override IReadOnlyList<MetricColumn> SummaryColumns(IReadOnlyList<PointResult> results)
    {
        // The first job's and first deployment's own figures follow the cluster's.
        ClusterSpec spec = results[0].Point.Cluster!;
        var columns = new List<MetricColumn>(spec.Jobs.Count == 0 ? ServingOnly : Shared);
        if (spec.Jobs.Count > 0)
        {
            columns.Add(new($"job.{spec.Jobs[0].Stream}.days", $"{spec.Jobs[0].Stream} days", 1, "0.0"));
        }

        foreach (ClusterDeploymentSpec d in spec.Deployments)
        {
            columns.Add(new($"deployment.{d.Name}.cost_per_mtok", spec.Jobs.Count == 0 ? $"{d.Name} rented $/Mtok" : $"{d.Name} $/Mtok", 1, "0.000"));
            if (spec.Jobs.Count == 0)
            {
                // A fleet that only serves is sized by its peak: the accelerators to buy.
                columns.Add(new($"deployment.{d.Name}.accelerators_peak", $"{d.Name} peak", 1, "0"));
            }
        }

        return columns;
    }

    /// <inheritdoc/>
    public override string? CheapestBy(IReadOnlyList<PointResult> results) => results[0].Point.Cluster!.Jobs.Count == 0 ? "cost_per_mtok" : null;

    /// <inheritdoc/>
    public override IReadOnlyList<string> SweepMetrics(IReadOnlyList<PointResult> results)
    {
        ClusterSpec spec = results[0].Point.Cluster!;
        return spec.Jobs.Count == 0
            ? [.. spec.Deployments.Select(d => $"deployment.{d.Name}.cost_per_mtok"), "slo_attainment"]
            : ["cluster_utilisation", "slo_attainment", $"job.{spec.Jobs[0].Stream}.days", "lost_accelerator_hours"];
    }

    /// <summary>The cluster of <paramref name="spec"/>, each placement's capacity measured on a cell seeded by <paramref name="seed"/>.</summary>
    public static ClusterOptions Options(ClusterSpec spec, long seed) => new()
    {
        Pools = spec.Pools,
        Jobs = spec.Jobs,
        Maintenance = spec.Maintenance,
        Deployments = [.. spec.Deployments.Select((d, i) => new ClusterDeployment
        {
            Requests = d.RequestLevel ? Requests(spec, d, RandomStreams.ForReplication(seed, 1000 + i)) : null,
            Name = d.Name,
            Demand = d.Demand,
            LaunchSeconds = d.LaunchSeconds,
            Headroom = d.Headroom,
            ColdStartSeconds = d.ColdStartSeconds,
            MinReplicas = d.MinReplicas,
            Placements = [.. d.Placements.Select(p => Measure(p.Pool, p.Cell, p.DecodePool, d.CellReplicas, seed))],
        })],
        Policy = spec.Policy,
        HorizonSeconds = spec.HorizonSeconds,
        IntervalSeconds = spec.IntervalSeconds,
        HarvestLookaheadSeconds = spec.HarvestLookaheadSeconds,
        Energy = spec.Energy,
        Seed = seed,
    };

    /// <summary>
    /// A request-level deployment's fleet: its placements' replica shapes (added and drained by the cluster's
    /// autoscaler), and Poisson arrivals whose rate follows the demand curve (output tokens per second over the mean
    /// output length) from launch to the horizon.
    /// </summary>
    private static ServingScenario Requests(ClusterSpec spec, ClusterDeploymentSpec d, long seed)
    {
        ServingPoint cell = d.Placements[0].Cell;
        TokenLengths output = cell.Output.Build();
        double horizonDays = spec.HorizonSeconds / 86_400;
        double launchDays = d.LaunchSeconds / 86_400;
        double peak = d.Demand.UpperBoundTokensPerSecond(0, Math.Max(0, horizonDays - launchDays)) / output.Mean;
        double mean = d.Demand.TokensBetween(0, Math.Max(1e-9, horizonDays - launchDays)) / Math.Max(1e-9, horizonDays - launchDays) / 86_400 / output.Mean;
        double Rate(double seconds) => seconds < d.LaunchSeconds ? 0 : d.Demand.TokensPerSecond((seconds - d.LaunchSeconds) / 86_400) / output.Mean;
        // Each placement adds a replica of its shape or, disaggregated, a unit of its prefill and decode replicas' shapes.
        var groups = new List<ReplicaGroup>();
        var placements = new List<FleetPlacement>();
        foreach (ServingPoint placed in d.Placements.Select(p => p.Cell))
        {
            int first = groups.Count;
            if (placed.Disaggregation is { } split)
            {
                groups.AddRange(placed.Replicas.Select(g => g with { Count = 0 }));
                placements.Add(new FleetPlacement(first, split, groups.Count - 1, placed.Replicas.Sum(g => g.Count) - split.PrefillReplicas));
            }
            else
            {
                groups.Add(placed.Replicas[0] with { Count = 0 });
                placements.Add(new FleetPlacement(first));
            }
        }

        return new ServingScenario
        {
            Replicas = groups,
            Placements = placements,
            Elastic = true,
            Router = d.Router,
            Workload = streams => RequestSource.Open(ArrivalProcess.Varying(Rate, peak, mean, d.LaunchSeconds), cell.Prompt.Build(), output, streams),
            MaxRequests = long.MaxValue,
            HorizonSeconds = spec.HorizonSeconds,
            ClientSendsMaxTokens = cell.ClientSendsMaxTokens,
            Slo = cell.Slo,
            SeriesIntervalSeconds = spec.IntervalSeconds,
            Seed = seed,
        };
    }

    private static DeploymentPlacement Measure(string pool, ServingPoint cell, string? decodePool, int cellReplicas, long seed)
    {
        ReplicaGroup prefill = cell.Replicas[0];
        var deployment = prefill.Deployment;
        int size = deployment.TensorParallel * deployment.PipelineParallel;
        if (cell.Disaggregation is null || decodePool is null)
        {
            (double tokensPerSecond, double utilisation) = CellCapacity.Measure(cell, cellReplicas, seed);
            return new DeploymentPlacement(pool, size, tokensPerSecond, utilisation) { Calibration = deployment.CalibrationName };
        }

        // A unit: its prefill replicas here, its decode replicas on the decode pool, each part busy for its own share.
        (double unitTokens, double prefillBusy, double decodeBusy) = CellCapacity.MeasureUnits(cell, cellReplicas, seed);
        ReplicaGroup decode = cell.Replicas[1];
        return new DeploymentPlacement(pool, prefill.Count * size, unitTokens, prefillBusy)
        {
            Calibration = deployment.CalibrationName,
            Decode = new DecodePart(decodePool, decode.Count * decode.Deployment.TensorParallel * decode.Deployment.PipelineParallel, decodeBusy),
        };
    }
}
