using System.Globalization;
using ClusterSim.Core.Metrics;
using ClusterSim.Core.Training;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Results;
using ClusterSim.Experiments.Studies;
using ClusterSim.Reporting.Charts;

namespace ClusterSim.Reporting.Report;

/// <summary>Chooses the charts an experiment's results support: cost crossover, utilisation, latency, sweeps.</summary>
public static partial class ReportCharts
{
    /// <summary>Every chart the data allow, in reading order.</summary>
    public static IReadOnlyList<Chart> For(Experiment experiment, IReadOnlyList<PointResult> results)
    {
        var charts = new List<Chart>();
        PointResult first = results[0];
        switch (first.Point.Study.Kind)
        {
            case StudyKind.Industry:
                charts.AddRange(results.Select((r, i) => Industry(r, i)));
                break;
            case StudyKind.Lifecycle:
                charts.AddRange(Lifecycle(first));
                break;
            case StudyKind.Training:
                charts.Add(TrainingUtilisation(first.Point.Training!, first.Replications[0]));
                break;
            case StudyKind.Serving when ServingStudy.UsesTestTime(results) && results.Count > 1:
                charts.AddRange(TestTime(results));
                break;
            case StudyKind.Serving:
                charts.AddRange(Serving(results));
                break;
            case StudyKind.Cluster:
                charts.AddRange(ClusterCharts.For(results));
                break;
            case StudyKind.Fleet:
                // A fleet's life reads from its summary and its sweep.
                break;
            case StudyKind.Choices:
                charts.AddRange(Comparison(first, "choice", [.. first.Point.Choices!.Candidates.Select(c => c.Name)], ["cost_per_mtok", "quality"], "candidate"));
                break;
            case StudyKind.Edge:
                charts.AddRange(results.SelectMany(r => Comparison(r, "mode", ["cloud", "edge", "hybrid"], ["usd_per_user_month", "ttft_p95_s", "lost_share"], "serving mode")));
                break;
        }

        charts.AddRange(Sweep(experiment, results));
        return charts;
    }

    private static IEnumerable<Chart> TestTime(IReadOnlyList<PointResult> results)
    {
        string[] labels = results.Select(r => string.Join(", ", r.Point.Parameters.Select(p => p.Value))).ToArray();
        double single = results[0].Metric("tt_accelerator_seconds_per_request").Mean;
        var series = results.Select((r, i) => new ChartSeries(
            string.Create(CultureInfo.InvariantCulture, $"{labels[i]} ({r.Metric("tt_accelerator_seconds_per_request").Mean / single:0.#}×)"),
            SeriesKind.Scatter,
            [r.Metric("tt_cost_per_1k_requests_usd").Mean],
            [r.Metric("tt_accuracy").Mean])).ToArray();
        yield return new Chart
        {
            Id = "accuracy-vs-cost",
            Title = "Accuracy against cost per request",
            Subtitle = $"one point per policy, mean over replications; (n×) = accelerator time per request relative to {labels[0]}",
            X = new Axis("cost per 1,000 requests", UnitKind.Usd) { Log = true },
            Y = new Axis("expected accuracy", UnitKind.Percent) { Max = 1 },
            Series = series,
        };

        double[] positions = Enumerable.Range(0, results.Count).Select(i => (double)i).ToArray();
        yield return new Chart
        {
            Id = "test-time-latency",
            Title = "Answer latency by policy",
            Subtitle = "arrival to the last token of the last sample; mean over replications",
            X = new Axis("policy") { Categories = labels },
            Y = new Axis("latency", UnitKind.Seconds),
            Series =
            [
                new ChartSeries("p50", SeriesKind.Bar, positions, results.Select(r => r.Metric("tt_latency_p50_s").Mean).ToArray()),
                new ChartSeries("p99", SeriesKind.Bar, positions, results.Select(r => r.Metric("tt_latency_p99_s").Mean).ToArray()),
            ],
        };
    }

    private static Chart TrainingUtilisation(TrainingJob job, RecordedResult result)
    {
        // About 160 rows: coarse enough that a slide shows the trend, fine enough to see bad days.
        SeriesTable table = result.Series().Coarsen(160);
        double[] days = table.TimeSeconds.Select(t => t / 86_400).ToArray();
        return new Chart
        {
            Id = "training-utilisation",
            Title = string.Create(CultureInfo.InvariantCulture, $"Training {job.Model.Name} on {job.Plan.Accelerators:N0} × {job.Accelerator.Name}"),
            Subtitle = string.Create(CultureInfo.InvariantCulture, $"share of accelerator time, first replication; {result.Scalar("failures"):0} failures, effective training time {result.Scalar("effective_training_fraction"):P1}, MFU {result.Scalar("mfu_run"):P1}"),
            X = new Axis("days", UnitKind.Days) { Min = 0, Max = result.Scalar("wall_days") },
            Y = new Axis("share of accelerator time", UnitKind.Percent) { Max = 1 },
            Series = table.Columns.Select(c => new ChartSeries(c.Name, SeriesKind.StackedArea, days, c.Values)).ToArray(),
        };
    }

    private static IEnumerable<Chart> Serving(IReadOnlyList<PointResult> results)
    {
        ServingPoint serving = results[0].Point.Serving!;
        // Latency against throughput reads as a load curve only when the sweep varies the offered load.
        if (results.Count > 1 && results[0].Point.Parameters.Any(p => p.Key.StartsWith("workload.arrival", StringComparison.Ordinal)))
        {
            // One load curve per value of the other swept parameters (a scheduler, say): never a line joining them.
            // A name ("chunked-prefill") labels its curve by itself; a number says what it is ("acceptance 0.6").
            var curves = results
                .GroupBy(r => string.Join(", ", r.Point.Parameters.Where(p => !p.Key.StartsWith("workload.arrival", StringComparison.Ordinal))
                    .Select(p => double.TryParse(p.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? $"{Human(p.Key)} {p.Value}" : p.Value)))
                .ToList();
            string[] levels = curves.Count == 1 ? ["p50", "p90", "p99"] : ["p50", "p99"];
            foreach (var (metric, title, slo) in new[] { ("ttft", "Time to first token vs throughput", serving.Slo.TtftSeconds), ("tpot", "Time per output token vs throughput", serving.Slo.TpotSeconds) })
            {
                yield return new Chart
                {
                    Id = $"{metric}-vs-throughput",
                    Title = title,
                    Subtitle = curves.Count == 1
                        ? "each point is one sweep point; shaded: 95 % interval over replications"
                        : "one curve per configuration, each point a load; shaded: 95 % interval over replications",
                    X = new Axis("output throughput", UnitKind.TokensPerSecond),
                    Y = new Axis(metric.ToUpperInvariant(), UnitKind.Seconds) { Log = true },
                    Series = [.. curves.SelectMany(curve =>
                    {
                        var points = curve.OrderBy(r => r.Metric("throughput_output_tok_s").Mean).ToList();
                        double[] throughput = [.. points.Select(r => r.Metric("throughput_output_tok_s").Mean)];
                        string prefix = curves.Count == 1 ? string.Empty : $"{curve.Key} ";
                        return levels.Select(q => WithBand(new ChartSeries(prefix + q, SeriesKind.Line, throughput, []), points, $"{metric}_{q}_s"));
                    })],
                    Markers = [new Marker(slo, $"SLO {UnitFormat.Format(slo, UnitKind.Seconds)}", Vertical: false)],
                };
            }
        }

        // The busiest point that still meets the SLO for 90 % of requests shows the most about the system.
        PointResult shown = results.LastOrDefault(r => r.Metric("slo_attainment").Mean >= 0.9) ?? results[0];
        SeriesTable series = shown.Replications[0].Series();
        string firstPoint = shown.Point.Parameters.Count == 0 ? "base" : string.Join(", ", shown.Point.Parameters.Select(p => $"{Human(p.Key)} = {p.Value}"));
        if (series.TimeSeconds.Count > 2 && series.Columns.Any(c => c.Name == "ttft_p99_s"))
        {
            yield return new Chart
            {
                Id = "latency-over-time",
                Title = "Latency percentiles over time",
                Subtitle = $"requests completed in each interval; point {firstPoint}, first replication",
                X = new Axis("simulated time", UnitKind.Seconds),
                Y = new Axis("latency", UnitKind.Seconds) { Log = true },
                Series = new[] { "ttft_p50_s", "ttft_p99_s", "tpot_p50_s", "tpot_p99_s" }
                    .Select(c => new ChartSeries(c.Replace("_s", string.Empty, StringComparison.Ordinal).Replace('_', ' ').ToUpperInvariant().Replace(" P", " p", StringComparison.Ordinal), SeriesKind.Line, series.TimeSeconds, series.Column(c).Values))
                    .ToArray(),
                Markers = [new Marker(serving.Slo.TtftSeconds, "TTFT SLO", Vertical: false), new Marker(serving.Slo.TpotSeconds, "TPOT SLO", Vertical: false)],
            };
        }

        QuantileTable quantiles = shown.Replications[0].Quantiles();
        if (quantiles.Columns.Count > 0)
        {
            IReadOnlyList<double> levels = quantiles.Levels;
            yield return new Chart
            {
                Id = "latency-cdf",
                Title = "Latency distributions",
                Subtitle = $"cumulative share of requests; point {firstPoint}, first replication; quantiles from a 0.5 %-error sketch",
                X = new Axis("latency", UnitKind.Seconds) { Log = true },
                Y = new Axis("share of requests at or below", UnitKind.Percent) { Max = 1 },
                Series =
                [
                    new ChartSeries("TTFT", SeriesKind.Line, quantiles.Column("ttft_s").Values, levels),
                    new ChartSeries("TPOT", SeriesKind.Line, quantiles.Column("tpot_s").Values, levels),
                    new ChartSeries("end to end", SeriesKind.Line, quantiles.Column("e2e_s").Values, levels),
                ],
            };
        }

        if (series.TimeSeconds.Count > 1)
        {
            yield return new Chart
            {
                Id = "queue-over-time",
                Title = "Queue and running batch over time",
                Subtitle = $"point {firstPoint}, first replication",
                X = new Axis("simulated time", UnitKind.Seconds),
                Y = new Axis("requests", UnitKind.Number),
                Series =
                [
                    new ChartSeries("queued", SeriesKind.Step, series.TimeSeconds, series.Column("queue_length").Values),
                    new ChartSeries("running", SeriesKind.Step, series.TimeSeconds, series.Column("running_sequences").Values),
                ],
            };
        }
    }

    private static string Readable(string metric) => MetricCatalog.Readable(metric);

    /// <summary>
    /// The axis a metric's values read on: its name and the unit the metric catalog gives it (durations in s and ms,
    /// dollars, shares as percentages, rates, days), so a sweep of step times reads "19.4 s" rather than a bare 19.4; a
    /// metric the catalog does not know reads as dollars when its name says cost, otherwise as plain numbers.
    /// </summary>
    internal static Axis MetricAxis(string metric, string? label = null)
    {
        string unit = MetricCatalog.Find(metric)?.Unit ?? string.Empty;
        UnitKind kind = unit switch
        {
            "s" => UnitKind.Seconds,
            "USD" => UnitKind.Usd,
            "share" => UnitKind.Percent,
            "days" => UnitKind.Days,
            "tok/s" or "tokens/s" => UnitKind.TokensPerSecond,
            _ when metric.Contains("cost", StringComparison.Ordinal) || metric.Contains("usd", StringComparison.Ordinal) => UnitKind.Usd,
            _ => UnitKind.Number,
        };
        string name = label ?? Readable(metric);
        // The ticks carry the unit: a name that spells it out ("mean TTFT (s)", "output throughput (tok/s)") drops it.
        string? spelled = kind switch { UnitKind.Seconds => " (s)", UnitKind.TokensPerSecond => " (tok/s)", _ => null };
        if (spelled is not null && name.EndsWith(spelled, StringComparison.Ordinal))
        {
            name = name[..^spelled.Length];
        }

        // A share cannot pass the whole: its axis ends just above 100 %, room for the values written over the bars.
        return new Axis(name, kind) { Max = kind == UnitKind.Percent ? 1.1 : null };
    }

    /// <summary>
    /// Categorical bars reordered best first when the metric says which way is better (<see cref="MetricDirection"/>),
    /// the winner marked; points without a value go last. Otherwise the order and the series as they were.
    /// </summary>
    internal static (string[] Labels, ChartSeries Series) BestFirst(string[] labels, ChartSeries series, int better)
    {
        if (better == 0 || series.Y.Count != labels.Length || !series.Y.Any(double.IsFinite))
        {
            return (labels, series);
        }

        int[] order = [.. Enumerable.Range(0, labels.Length).OrderBy(i => double.IsFinite(series.Y[i]) ? 0 : 1).ThenBy(i => better * -series.Y[i]).ThenBy(i => i)];
        static IReadOnlyList<double>? Pick(IReadOnlyList<double>? values, int[] order) => values is null ? null : [.. order.Select(i => values[i])];
        // Tied when the runner-up's interval reaches the winner's: the data do not separate them.
        bool tied = order.Length > 1 && series.Lower is { } lower && series.Upper is { } upper && double.IsFinite(series.Y[order[1]])
            && (better < 0 ? lower[order[1]] <= upper[order[0]] : upper[order[1]] >= lower[order[0]]);
        return ([.. order.Select(i => labels[i])], series with
        {
            X = [.. Enumerable.Range(0, order.Length).Select(i => (double)i)],
            Y = Pick(series.Y, order)!,
            Lower = Pick(series.Lower, order),
            Upper = Pick(series.Upper, order),
            Best = 0,
            BestTied = tied,
        });
    }

    /// <summary>A swept path as a person would name it: its last part, or its last two when the last alone says little ("arrival load").</summary>
    internal static string Human(string path)
    {
        string[] parts = path.Split('.');
        string last = parts[^1].Replace('_', ' ');
        string[] vague = ["kind", "load", "rate", "count", "policy", "mode", "share", "size", "s", "h"];
        return parts.Length > 1 && vague.Contains(parts[^1]) ? parts[^2].Replace('_', ' ') + " " + last : last;
    }

    private static ChartSeries WithBand(ChartSeries series, IReadOnlyList<PointResult> results, string metric)
    {
        var summaries = results.Select(r => r.Metric(metric)).ToArray();
        return series with
        {
            Y = summaries.Select(m => m.Mean).ToArray(),
            Lower = summaries.Select(m => m.Mean - m.HalfWidth95).ToArray(),
            Upper = summaries.Select(m => m.Mean + m.HalfWidth95).ToArray(),
        };
    }
}
