using System.Globalization;
using ClusterSim.Core.Metrics;
using ClusterSim.Core.Training;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Results;
using ClusterSim.Experiments.Running;
using ClusterSim.Experiments.Studies;
using ClusterSim.Experiments.Sweeps;
using ClusterSim.Reporting.Charts;

namespace ClusterSim.Reporting.Report;

/// <summary>Chooses the charts an experiment's results support: cost crossover, utilisation, latency, sweeps.</summary>
public static class ReportCharts
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

    private static IEnumerable<Chart> Lifecycle(PointResult point)
    {
        RecordedResult result = point.Replications[0];
        double launchDay = result.Scalar("launch_day");
        double? crossoverDay = double.IsFinite(result.Scalar("crossover_day")) ? result.Scalar("crossover_day") : null;
        SeriesTable table = result.Series();
        double[] days = table.TimeSeconds.Select(t => t / 86_400).ToArray();
        DateOnly? launch = point.Point.Lifecycle!.LaunchDate;
        DateOnly? origin = launch?.AddDays(-(int)Math.Round(launchDay));
        Axis time = origin is null ? new Axis("days since training started", UnitKind.Days) : new Axis("date", UnitKind.Date) { DateOrigin = origin };
        var markers = new List<Marker> { new(launchDay, "launch") };
        MetricSummary crossover = point.Metric("crossover_days_after_launch");
        string subtitle = "no crossover within the horizon";
        if (crossoverDay is { } day)
        {
            string when = origin is { } o ? o.AddDays((int)Math.Round(day)).ToString("d MMM yyyy", CultureInfo.InvariantCulture) : $"day {day:0}";
            markers.Add(new Marker(day, crossover.Samples > 1 ? $"replication 1 crosses: {when}" : $"inference overtakes training: {when}"));
            subtitle = string.Create(CultureInfo.InvariantCulture, $"crossover {crossover.Mean:0.0} ± {crossover.HalfWidth95:0.0} days after launch (mean ± 95 % interval over {crossover.Samples} replications)");
        }

        yield return new Chart
        {
            Id = "cumulative-cost",
            Title = "Cumulative cost: training vs inference",
            Subtitle = subtitle,
            X = time,
            Y = new Axis("cumulative spend", UnitKind.Usd),
            Series =
            [
                new ChartSeries("training", SeriesKind.Line, days, table.Column("training_cumulative_usd").Values),
                new ChartSeries("inference (incl. idle)", SeriesKind.Line, days, table.Column("inference_cumulative_usd").Values),
            ],
            Markers = markers,
        };

        if (crossoverDay is { } cross)
        {
            // The same curves up to twice the crossover day, so the moment of crossing fills the chart.
            int[] early = Enumerable.Range(0, days.Length).Where(d => days[d] <= 2 * cross).ToArray();
            yield return new Chart
            {
                Id = "cumulative-cost-zoom",
                Title = "Cumulative cost around the crossover",
                // The figures are the means the summary table shows; the curves are the first replication's.
                Subtitle = string.Create(
                    CultureInfo.InvariantCulture,
                    $"training {UnitFormat.Format(point.Metric("training_cost_usd").Mean, UnitKind.Usd)} over {point.Metric("training_days").Mean:0.0} days; crossover {crossover.Mean:0.0} days after launch (means of {crossover.Samples}; curves: replication 1)"),
                X = time with { Min = 0, Max = days[early[^1]] },
                Y = new Axis("cumulative spend", UnitKind.Usd),
                Series =
                [
                    new ChartSeries("training", SeriesKind.Line, early.Select(d => days[d]).ToArray(), early.Select(d => table.Column("training_cumulative_usd").Values[d]).ToArray()),
                    new ChartSeries("inference (incl. idle)", SeriesKind.Line, early.Select(d => days[d]).ToArray(), early.Select(d => table.Column("inference_cumulative_usd").Values[d]).ToArray()),
                ],
                Markers = markers,
            };
        }

        // Only whole days of serving: the launch day and the last day are partial and would show as dips.
        int[] full = Enumerable.Range(0, days.Length).Where(d => table.Column("serving_hours").Values[d] == 24).ToArray();
        double[] servingDays = full.Select(d => days[d]).ToArray();
        double[] Pick(string column) => full.Select(d => table.Column(column).Values[d]).ToArray();

        // Only the first replication's series is kept; say so where the summary beside the chart gives means.
        string curves = point.Replications.Count > 1 ? $"; replication 1 of {point.Replications.Count} (the summary's figures are means)" : string.Empty;
        yield return new Chart
        {
            Id = "fleet",
            Title = "Serving fleet, autoscaled to hold the SLO",
            Subtitle = $"accelerators provisioned (daily mean), headroom and cold starts included{curves}",
            X = time,
            Y = new Axis("accelerators", UnitKind.Number),
            Series = [new ChartSeries("fleet", SeriesKind.Area, servingDays, Pick("fleet_accelerators"))],
        };
        yield return new Chart
        {
            Id = "cost-per-token",
            Title = "Serving cost per million output tokens",
            Subtitle = $"rent or amortised capital plus energy, over tokens served that day{curves}",
            X = time,
            Y = new Axis("USD per million output tokens", UnitKind.Usd),
            Series = [new ChartSeries("cost per Mtok", SeriesKind.Line, servingDays, Pick("cost_per_mtok_usd"))],
        };
    }

    private static Chart Industry(PointResult point, int index)
    {
        const string Prefix = "training_usd_";
        int[] calendar = point.Metrics.Where(m => m.Name.StartsWith(Prefix, StringComparison.Ordinal))
            .Select(m => int.Parse(m.Name[Prefix.Length..], CultureInfo.InvariantCulture)).ToArray();
        double[] years = calendar.Select(y => y + 0.5).ToArray();
        double[] Mean(string prefix) => calendar.Select(y => point.Metric($"{prefix}_usd_{y}").Mean).ToArray();
        string label = point.Point.Parameters.Count == 0 ? string.Empty : " (" + string.Join(", ", point.Point.Parameters.Select(p => $"{Human(p.Key)} = {p.Value}")) + ")";
        double[] training = Mean("training"), inference = Mean("inference");

        // Every crossing of the mean curves, either way (a lab's training can fall behind its inference and pull ahead again).
        var crossings = new List<Marker>();
        for (int i = 1; i < years.Length; i++)
        {
            double before = inference[i - 1] - training[i - 1], after = inference[i] - training[i];
            if (double.IsFinite(before) && double.IsFinite(after) && Math.Sign(before) != Math.Sign(after) && after != 0)
            {
                double at = years[i - 1] + ((years[i] - years[i - 1]) * before / (before - after));
                crossings.Add(new Marker(at, string.Create(CultureInfo.InvariantCulture, $"{(after > 0 ? "inference ahead" : "training ahead")} {at:0.0}")));
            }
        }

        return new Chart
        {
            Id = $"industry-{index}",
            Title = "Annual spend: training vs inference" + label,
            Subtitle = crossings.Count > 0
                ? $"{string.Join("; ", crossings.Select(c => c.Label))} (means; base year simulated)"
                : "the curves do not cross within the range (base year simulated, other years from trends)",
            X = new Axis("year", UnitKind.Year) { Min = calendar[0], Max = calendar[^1] + 1 },
            Y = new Axis("spend per year", UnitKind.Usd) { Log = true },
            Series =
            [
                new ChartSeries("training", SeriesKind.Line, years, training),
                new ChartSeries("inference", SeriesKind.Line, years, inference),
            ],
            Markers = crossings,
        };
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
                    yield return new Chart
                    {
                        Id = $"samples-{k}",
                        Title = $"{Readable(metrics[0])} against {Human(key)}",
                        Subtitle = $"{results.Count} sampled points, each the mean over replications; other parameters vary too",
                        X = new Axis(Human(key)) { Log = experiment.LogParameters.Contains(key) && values.All(v => v > 0) },
                        Y = new Axis(Readable(metrics[0])),
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
            var series = WithBand(new ChartSeries(metric, numeric ? SeriesKind.Line : SeriesKind.Bar, numeric ? x : Enumerable.Range(0, labels.Length).Select(i => (double)i).ToArray(), []), results, metric);
            string[] categories = labels;
            if (!numeric)
            {
                (categories, series) = BestFirst(labels, series, MetricDirection.Better(metric));
            }

            yield return new Chart
            {
                Id = $"sweep-{metric.Replace('_', '-')}",
                Title = $"{Readable(metric)} by {by}",
                Subtitle = numeric ? "mean over replications, shaded 95 % interval" : $"mean over replications, 95 % interval{(series.Best is null ? string.Empty : "; sorted best first")}",
                // Values spanning two decades or more (a demand from 1e8 to 1.3e11 tokens a day) read on a log axis.
                X = numeric ? new Axis(Human(parameter)) { WholeTicks = x.All(v => v == Math.Round(v)), Log = x.Min() > 0 && x.Max() >= 100 * x.Min() } : new Axis(Human(parameter)) { Categories = categories },
                Y = new Axis(Readable(metric), metric.Contains("cost", StringComparison.Ordinal) || metric.Contains("usd", StringComparison.Ordinal) ? UnitKind.Usd : UnitKind.Number),
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
                Y = new Axis(readable, statistic.Contains("usd", StringComparison.Ordinal) || statistic.Contains("cost", StringComparison.Ordinal) ? UnitKind.Usd : UnitKind.Number),
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

    private static string Readable(string metric) => MetricCatalog.Readable(metric);

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
