using System.Globalization;
using ClusterSim.Core.Cluster;
using ClusterSim.Core.Metrics;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Results;
using ClusterSim.Reporting.Charts;

namespace ClusterSim.Reporting.Report;

/// <summary>Charts of a shared cluster: each pool's accelerators by workload over time, SLO attainment per deployment, training progress.</summary>
internal static class ClusterCharts
{
    /// <summary>For every point (first replication): one stacked chart per pool, then SLO attainment and job progress.</summary>
    public static IEnumerable<Chart> For(IReadOnlyList<PointResult> results)
    {
        foreach (PointResult point in results)
        {
            ClusterSpec spec = point.Point.Cluster!;
            SeriesTable table = point.Replications[0].Series().Coarsen(400);
            double[] days = [.. table.TimeSeconds.Select(t => t / 86_400)];
            // The point's own name (a zip sweep's label, or its values by their full keys: the last names alone may repeat).
            string label = point.Point.Parameters.Count == 0 ? string.Empty : " — " + point.Point.Label;
            string suffix = results.Count == 1 ? string.Empty : $"-{point.Point.Index}";
            var axis = new Axis("days", UnitKind.Days) { Min = 0, Max = spec.HorizonSeconds / 86_400 };

            // A pool of none (a fleet a sweep leaves out) has nothing to draw.
            foreach (AcceleratorPool pool in spec.Pools.Where(p => p.Count > 0))
            {
                string prefix = $"pool.{pool.Name}.";
                var columns = table.Columns.Where(c => c.Name.StartsWith(prefix, StringComparison.Ordinal)).ToList();
                yield return new Chart
                {
                    Id = $"pool-{pool.Name}{suffix}",
                    Title = string.Create(CultureInfo.InvariantCulture, $"Pool {pool.Name}: {pool.Count:N0} × {pool.Accelerator.Name} by workload{label}"),
                    Subtitle = string.Create(CultureInfo.InvariantCulture, $"accelerators held at each decision; busy {point.Metric($"pool.{pool.Name}.utilisation").Mean:P1} of the pool's hours"),
                    X = axis,
                    Y = new Axis("accelerators", UnitKind.Number) { Min = 0, Max = pool.Count },
                    Series = [.. columns.Select(c => new ChartSeries(c.Name[prefix.Length..], SeriesKind.StackedArea, days, c.Values))],
                };
            }

            var slo = table.Columns.Where(c => c.Name.StartsWith("slo.", StringComparison.Ordinal)).ToList();
            if (slo.Count > 0)
            {
                yield return new Chart
                {
                    Id = $"cluster-slo{suffix}",
                    Title = $"Share of demand served within the SLO{label}",
                    Subtitle = string.Create(CultureInfo.InvariantCulture, $"per decision interval; over the run {point.Metric("slo_attainment").Mean:P2}"),
                    X = axis,
                    Y = new Axis("share of demand", UnitKind.Percent) { Max = 1 },
                    Series = [.. slo.Select(c => new ChartSeries(c.Name["slo.".Length..], SeriesKind.Line, days, c.Values))],
                };
            }

            var progress = table.Columns.Where(c => c.Name.StartsWith("progress.", StringComparison.Ordinal)).ToList();
            if (progress.Count > 0)
            {
                yield return new Chart
                {
                    Id = $"cluster-progress{suffix}",
                    Title = $"Training progress{label}",
                    Subtitle = string.Create(CultureInfo.InvariantCulture, $"share of tokens trained (kept work only); {point.Metric("job_preemptions").Mean:0} preemptions, {point.Metric("lost_accelerator_hours").Mean:N0} accelerator-hours lost"),
                    X = axis,
                    Y = new Axis("share of tokens", UnitKind.Percent) { Max = 1 },
                    Series = [.. progress.Select(c => new ChartSeries(c.Name["progress.".Length..], SeriesKind.Line, days, c.Values))],
                };
            }
        }
    }
}
