using System.Globalization;
using ClusterSim.Core.Metrics;

namespace ClusterSim.Core.Cluster;

/// <summary>The books of a shared-cluster run: every workload's outcome, each pool's idle capacity, and the time series.</summary>
public sealed record ClusterResult : ISimulationResult
{
    public required ClusterOptions Options { get; init; }
    public required IReadOnlyList<ClusterJobOutcome> Jobs { get; init; }
    public required IReadOnlyList<ClusterDeploymentOutcome> Deployments { get; init; }

    /// <summary>Accelerator-hours, USD and kWh of capacity nobody held, per pool.</summary>
    public required IReadOnlyList<double> IdleHours { get; init; }
    public required IReadOnlyList<double> IdleUsd { get; init; }
    public required IReadOnlyList<double> IdleKwh { get; init; }

    /// <summary>Accelerator-hours and USD of capacity offline for planned maintenance, per pool (zeros without any).</summary>
    public IReadOnlyList<double> MaintenanceHours { get; init; } = [];
    public IReadOnlyList<double> MaintenanceUsd { get; init; } = [];

    /// <summary>True if at any moment workloads held more accelerators than a pool has (a scheduler bug).</summary>
    public required bool Overbooked { get; init; }
    public required SeriesTable Series { get; init; }
    public long EventsFired { get; init; }

    /// <summary>Accelerator-hours the pools offer over the horizon.</summary>
    public double CapacityHours => Options.Pools.Sum(p => p.Count) * Options.HorizonSeconds / 3600;

    public double TrainingHours => Jobs.Sum(j => j.AcceleratorHours);
    public double ServingHours => Deployments.Sum(d => d.AcceleratorHours);

    /// <summary>Every accelerator-hour is booked to exactly one workload, to idle or to maintenance, no pool was ever overbooked, and every request-level deployment accounts for each request.</summary>
    public bool Conserved =>
        !Overbooked
        && Math.Abs(TrainingHours + ServingHours + IdleHours.Sum() + MaintenanceHours.Sum() - CapacityHours) <= 1e-9 * CapacityHours
        && Deployments.All(d => d.Requests is not { Conserved: false });

    /// <inheritdoc/>
    public IReadOnlyList<(string Name, double Value)> Scalars()
    {
        // Capacity in maintenance is paid for as idle capacity is (its own figures follow when there is any).
        double trainingUsd = Jobs.Sum(j => j.CostUsd), servingUsd = Deployments.Sum(d => d.CostUsd), idleUsd = IdleUsd.Sum() + MaintenanceUsd.Sum();
        double unused = IdleHours.Sum() + MaintenanceHours.Sum();
        var scalars = new List<(string, double)>
        {
            ("cluster_utilisation", Math.Max(0, 1 - (unused / CapacityHours))),
            ("training_share", TrainingHours / CapacityHours),
            ("serving_share", ServingHours / CapacityHours),
            ("idle_share", IdleHours.Sum() / CapacityHours),
            ("cost_usd", trainingUsd + servingUsd + idleUsd),
            ("training_cost_usd", trainingUsd),
            ("serving_cost_usd", servingUsd),
            ("idle_cost_usd", idleUsd),
            ("energy_mwh", (Jobs.Sum(j => j.Kwh) + Deployments.Sum(d => d.Kwh) + IdleKwh.Sum()) / 1000),
            ("jobs_finished", Jobs.Count(j => double.IsFinite(j.Seconds))),
            ("job_preemptions", Jobs.Sum(j => j.Preemptions)),
            ("job_failures", Jobs.Sum(j => j.Failures)),
            ("lost_accelerator_hours", Jobs.Sum(j => j.LostAcceleratorHours)),
            ("cost_per_mtok", Deployments.Sum(d => d.ServedTokens) > 0 ? (trainingUsd + servingUsd + idleUsd) / Deployments.Sum(d => d.ServedTokens) * 1e6 : double.NaN),
            ("slo_attainment", Deployments.Sum(d => d.DemandTokens) > 0 ? Deployments.Sum(d => d.DemandTokens * d.SloAttainment) / Deployments.Sum(d => d.DemandTokens) : 1),
            ("events", EventsFired),
        };
        for (int p = 0; p < Options.Pools.Count; p++)
        {
            double hours = Options.Pools[p].Count * Options.HorizonSeconds / 3600;
            double offline = MaintenanceHours.Count > p ? MaintenanceHours[p] : 0;
            scalars.Add(($"pool.{Options.Pools[p].Name}.utilisation", hours > 0 ? Math.Max(0, 1 - ((IdleHours[p] + offline) / hours)) : double.NaN));
            if (Options.Maintenance.Any(w => w.Pool == Options.Pools[p].Name))
            {
                scalars.Add(($"pool.{Options.Pools[p].Name}.maintenance_hours", offline));
            }
        }

        // One set per stream of jobs: days, progress and queueing are means over its jobs; counts, hours and dollars are sums.
        foreach (var stream in Jobs.GroupBy(j => j.Stream, StringComparer.Ordinal))
        {
            string k = $"job.{stream.Key}.";
            var finished = stream.Where(j => double.IsFinite(j.Seconds)).ToList();
            scalars.Add((k + "finished", finished.Count));
            scalars.Add((k + "days", finished.Count == 0 ? double.NaN : finished.Average(j => j.Seconds) / 86_400));
            scalars.Add((k + "progress", stream.Average(j => j.Progress)));
            scalars.Add((k + "queued_hours", stream.Average(j => j.QueuedSeconds) / 3600));
            scalars.Add((k + "preemptions", stream.Sum(j => j.Preemptions)));
            scalars.Add((k + "resizes", stream.Sum(j => j.Resizes)));
            scalars.Add((k + "failures", stream.Sum(j => j.Failures)));
            scalars.Add((k + "lost_accelerator_hours", stream.Sum(j => j.LostAcceleratorHours)));
            scalars.Add((k + "restart_hours", stream.Sum(j => j.RestartSeconds) / 3600));
            scalars.Add((k + "cost_usd", stream.Sum(j => j.CostUsd)));
            if (double.IsFinite(stream.First().ElasticEfficiency))
            {
                scalars.Add((k + "elastic_efficiency", stream.First().ElasticEfficiency));
            }
        }

        foreach (ClusterDeploymentOutcome d in Deployments)
        {
            string k = $"deployment.{d.Name}.";
            scalars.Add((k + "slo_attainment", d.SloAttainment));
            scalars.Add((k + "replicas_mean", d.MeanReplicas));
            scalars.Add((k + "accelerators_peak", d.PeakAccelerators));
            scalars.Add((k + "cost_per_mtok", d.CostPerMillionTokens));
            scalars.Add((k + "cost_usd", d.CostUsd));
            if (d.Requests is { } r)
            {
                scalars.Add((k + "requests_completed", r.Completed));
                scalars.Add((k + "requests_dropped", r.Dropped));
                scalars.Add((k + "requests_over_context", r.OverContext));
                if (r.CutAtContext is { } cut)
                {
                    scalars.Add((k + "requests_cut_at_context", cut));
                }

                if (r.PrefilledLocally is { } local)
                {
                    scalars.Add((k + "prefilled_locally", local));
                }
            }
        }

        return scalars;
    }

    /// <inheritdoc/>
    SeriesTable ISimulationResult.Series() => Series;

    /// <summary>The outcome of the named job.</summary>
    public ClusterJobOutcome Job(string name) => Jobs.First(j => j.Name == name);

    /// <summary>The outcome of the named deployment.</summary>
    public ClusterDeploymentOutcome Deployment(string name) => Deployments.First(d => d.Name == name);

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"cluster of {Options.Pools.Sum(p => p.Count)} accelerators, {Jobs.Count} jobs, {Deployments.Count} deployments");
}
