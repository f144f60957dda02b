using System.Globalization;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Results;
using ClusterSim.Experiments.Sweeps;
using ClusterSim.Reporting.Charts;

namespace ClusterSim.Reporting.Report;

// A sweep's charts: each metric against the swept parameter (with intervals), a comparison of points, a heat map of two parameters.
public static partial class ReportCharts
{
    private static IEnumerable<Chart> Sweep(Experiment experiment, IReadOnlyList<PointResult> results)
    {
        int parameters = results[0].Point.Parameters.Count;
        if (results.Count < 2 || parameters == 0)
        {
            yield break;
        }

        ExperimentPoint first = results[0].Point;
        // A metric finite at fewer than two points draws an empty frame (a crossover year that only one point reaches):
        // its value is in the table and the point's own chart instead.
        IReadOnlyList<string> metrics = [.. first.Study.SweepMetrics(results).Where(m => results.Count(r => double.IsFinite(r.Metric(m).Mean)) >= 2)];
        if (metrics.Count == 0)
        {
            yield break;
        }

        if (experiment.SampledSweep)
        {
            // Drawn points: the metric against each numeric parameter, one dot per point.
            for (int k = 0; k < parameters; k++)
            {
                double[] values = results.Select(r => double.TryParse(r.Point.Parameters[k].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : double.NaN).ToArray();
                if (values.All(double.IsFinite))
                {
                    string key = first.Parameters[k].Key;
                    Axis y = MetricAxis(metrics[0]);
                    yield return new Chart
                    {
                        Id = $"samples-{k}",
                        Title = $"{y.Label} against {Human(key)}",
                        Subtitle = $"{results.Count} sampled points, each the mean over replications; other parameters vary too",
                        X = new Axis(Human(key)) { Log = experiment.LogParameters.Contains(key) && values.All(v => v > 0) },
                        Y = y,
                        Series = [new ChartSeries(metrics[0], SeriesKind.Scatter, values, results.Select(r => r.Metric(metrics[0]).Mean).ToArray())],
                    };
                }
            }

            yield break;
        }

        if (parameters == 2 && !experiment.ZipSweep)
        {
            yield return Heatmap(results, metrics[0]);
            yield break;
        }

        // One swept list (or zipped lists, labelled by the first): a line over numbers, bars over names. Zipped lists
        // whose first does not rise steadily (fleets of mixed pools, say) are named points, labelled in full.
        string parameter = first.Parameters[0].Key;
        string[] labels = results.Select(r => r.Point.Parameters[0].Value).ToArray();
        double[] x = labels.Select(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : double.NaN).ToArray();
        bool numeric = x.All(double.IsFinite);
        string by = parameter[(parameter.LastIndexOf('.') + 1)..];
        if (parameters > 1 && !(numeric && x.Zip(x.Skip(1)).All(p => p.Second > p.First)))
        {
            numeric = false;
            labels = [.. results.Select(r => r.Point.Name ?? string.Join(" / ", r.Point.Parameters.Select(p => p.Value)))];
            by = "sweep point";
            parameter = first.Name is null ? string.Join(" / ", SweepPlan.ShortNames(first.Parameters)) : "configuration";
        }

        foreach (string metric in metrics)
        {
            Axis y = MetricAxis(metric);
            var series = WithBand(new ChartSeries(metric, numeric ? SeriesKind.Line : SeriesKind.Bar, numeric ? x : Enumerable.Range(0, labels.Length).Select(i => (double)i).ToArray(), []), results, metric);
            string[] categories = labels;
            if (!numeric)
            {
                (categories, series) = BestFirst(labels, series, MetricDirection.Better(metric));
            }

            yield return new Chart
            {
                Id = $"sweep-{metric.Replace('_', '-')}",
                Title = $"{y.Label} by {by}",
                Subtitle = numeric ? "mean over replications, shaded 95 % interval" : $"mean over replications, 95 % interval{(series.Best is null ? string.Empty : "; sorted best first")}",
                // Values spanning two decades or more (a demand from 1e8 to 1.3e11 tokens a day) read on a log axis.
                X = numeric ? new Axis(Human(parameter)) { WholeTicks = x.All(v => v == Math.Round(v)), Log = x.Min() > 0 && x.Max() >= 100 * x.Min() } : new Axis(Human(parameter)) { Categories = categories },
                Y = y,
                Series = [series],
            };
        }
    }

    /// <summary>One bar per option (candidate, serving mode) for each statistic, with 95 % whiskers and values written on.</summary>
    private static IEnumerable<Chart> Comparison(PointResult point, string family, IReadOnlyList<string> options, IReadOnlyList<string> statistics, string what)
    {
        string where = point.Point.Parameters.Count == 0 ? string.Empty : $" ({point.Point.Label})";
        foreach (string statistic in statistics)
        {
            var summaries = options.Select(o => point.Metric($"{family}.{o}.{statistic}")).ToArray();
            string readable = Readable($"{family}.x.{statistic}");
            readable = readable[(readable.IndexOf(": ", StringComparison.Ordinal) + 2)..];
            var bars = new ChartSeries(statistic, SeriesKind.Bar, [.. Enumerable.Range(0, options.Count).Select(i => (double)i)], [.. summaries.Select(m => m.Mean)])
            {
                Lower = [.. summaries.Select(m => m.Mean - m.HalfWidth95)],
                Upper = [.. summaries.Select(m => m.Mean + m.HalfWidth95)],
            };
            (string[] categories, bars) = BestFirst([.. options], bars, MetricDirection.Better(statistic));
            yield return new Chart
            {
                Id = $"{family}-{statistic.Replace('_', '-')}-{point.Point.Index}",
                Title = $"{char.ToUpperInvariant(readable[0])}{readable[1..]} by {what}",
                Subtitle = $"{(where.Length == 0 ? string.Empty : where.Trim(' ', '(', ')') + ": ")}mean over {point.Replications.Count} replication(s), 95 % interval{(bars.Best is null ? string.Empty : "; sorted best first")}",
                X = new Axis(what) { Categories = categories },
                Y = MetricAxis($"{family}.{options[0]}.{statistic}", readable),
                Series = [bars],
            };
        }
    }

    private static Chart Heatmap(IReadOnlyList<PointResult> results, string metric)
    {
        string rowKey = results[0].Point.Parameters[0].Key, columnKey = results[0].Point.Parameters[1].Key;
        string[] rows = results.Select(r => r.Point.Parameters[0].Value).Distinct().ToArray();
        string[] columns = results.Select(r => r.Point.Parameters[1].Value).Distinct().ToArray();
        var values = new double[rows.Length * columns.Length];
        foreach (PointResult r in results)
        {
            values[(Array.IndexOf(rows, r.Point.Parameters[0].Value) * columns.Length) + Array.IndexOf(columns, r.Point.Parameters[1].Value)] = r.Metric(metric).Mean;
        }

        return new Chart
        {
            Id = $"heatmap-{metric.Replace('_', '-')}",
            Title = $"{Readable(metric)} over {Human(rowKey)} × {Human(columnKey)}",
            Subtitle = "mean over replications; darker is higher",
            X = new Axis(Human(columnKey)) { Categories = columns },
            Y = new Axis(Human(rowKey)) { Categories = rows },
            Series = [new ChartSeries(metric, SeriesKind.Heatmap, [], values)],
        };
    }
}
