using System.Globalization;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Running;
using ClusterSim.Experiments.Sweeps;
using Spectre.Console;

namespace ClusterSim.Cli;

/// <summary>The per-point table printed after a run.</summary>
internal static class SummaryTable
{
    private static readonly (string Metric, string Header, double Scale, string Format)[] TrainingColumns =
    [
        ("wall_days", "days", 1, "0.0"),
        ("accelerator_hours", "GPU-hours (M)", 1e-6, "0.00"),
        ("mfu_step", "MFU step", 100, "0.0'%'"),
        ("mfu_run", "MFU run", 100, "0.0'%'"),
        ("effective_training_fraction", "effective", 100, "0.0'%'"),
        ("failures", "failures", 1, "0"),
        ("checkpoint_interval_s", "ckpt every s", 1, "0"),
        ("energy_mwh", "energy MWh", 1, "0"),
        ("cost_usd", "cost $M", 1e-6, "0.0"),
    ];

    private static readonly (string Metric, string Header, double Scale, string Format)[] LifecycleColumns =
    [
        ("training_days", "train days", 1, "0.0"),
        ("training_cost_usd", "train $M", 1e-6, "0.0"),
        ("replica_tok_s_at_slo", "tok/s/replica", 1, "0"),
        ("fleet_accelerators_at_launch", "fleet@launch", 1, "0"),
        ("fleet_accelerators_at_end", "fleet@end", 1, "0"),
        ("cost_per_mtok_at_launch", "$/Mtok@launch", 1, "0.00"),
        ("crossover_days_after_launch", "crossover days", 1, "0.0"),
        ("inference_cost_usd", "inference $M", 1e-6, "0.0"),
    ];

    private static readonly (string Metric, string Header, double Scale, string Format)[] IndustryColumns =
    [
        ("training_cost_usd", "2024 run $M", 1e-6, "0.0"),
        ("cost_per_mtok_at_launch", "2024 $/Mtok", 1, "0.00"),
        ("training_usd_2024", "train 2024 $B", 1e-9, "0.00"),
        ("inference_usd_2024", "infer 2024 $B", 1e-9, "0.00"),
        ("training_usd_2026", "train 2026 $B", 1e-9, "0.00"),
        ("inference_usd_2026", "infer 2026 $B", 1e-9, "0.00"),
        ("industry_crossover_year", "crossover", 1, "0.0"),
    ];

    private static readonly (string Metric, string Header, double Scale, string Format)[] TestTimeColumns =
    [
        ("tt_accuracy", "accuracy", 100, "0.0'%'"),
        ("tt_samples_per_request", "samples", 1, "0.0"),
        ("tt_output_tokens_per_request", "tokens/req", 1, "0"),
        ("tt_accelerator_seconds_per_request", "GPU-s/req", 1, "0.000"),
        ("tt_cost_per_1k_requests_usd", "$/1k req", 1, "0.000"),
        ("tt_latency_p50_s", "p50 s", 1, "0.0"),
        ("tt_latency_p99_s", "p99 s", 1, "0.0"),
    ];

    private static readonly (string Metric, string Header, double Scale, string Format)[] FleetColumns =
    [
        ("replica_tok_s_at_slo", "tok/s/replica", 1, "0"),
        ("fleet_accelerators_at_launch", "fleet", 1, "0"),
        ("inference_idle_share", "idle", 100, "0'%'"),
        ("cost_per_mtok_at_launch", "$/M out tok", 1, "0.000"),
        ("inference_cost_usd", "serving $k", 1e-3, "0"),
    ];

    private static readonly (string Metric, string Header, double Scale, string Format)[] ServingColumns =
    [
        ("requests_per_s", "req/s", 1, "0.0"),
        ("throughput_output_tok_s", "out tok/s", 1, "0"),
        ("ttft_p50_s", "TTFT p50 ms", 1e3, "0"),
        ("ttft_p99_s", "TTFT p99 ms", 1e3, "0"),
        ("tpot_p50_s", "TPOT p50 ms", 1e3, "0.0"),
        ("tpot_p99_s", "TPOT p99 ms", 1e3, "0.0"),
        ("e2e_p50_s", "E2E p50 s", 1, "0.00"),
        ("e2e_p99_s", "E2E p99 s", 1, "0.00"),
        ("slo_attainment", "SLO met", 100, "0.0'%'"),
    ];

    public static void Print(Experiment experiment, IReadOnlyList<PointResult> results)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"{experiment.Name}: mean over {experiment.Replications} replication(s), ± 95 % interval");
        ExperimentPoint first = results[0].Point;
        var columns = first.Industry is not null && results[0].Metrics.Any(m => m.Name == "training_usd_2026") ? IndustryColumns
            : first.Serving?.TestTime is not null ? TestTimeColumns
            : first.Lifecycle is not null ? (first.Training is null ? FleetColumns : LifecycleColumns) : first.Training is not null ? TrainingColumns : ServingColumns;
        bool serving = columns == ServingColumns;
        var headers = new List<string> { "point" };
        if (serving)
        {
            headers.Add("rate req/s");
        }

        headers.AddRange(columns.Select(c => c.Header));
        var rows = results.Select(r =>
        {
            var cells = new List<string> { Markup.Escape(SweepPlan.Label(r.Point.Parameters)) };
            if (serving)
            {
                cells.Add(Format(r.ArrivalRate, "0.0"));
            }

            foreach (var c in columns)
            {
                MetricSummary m = r.Metric(c.Metric);
                string mean = Format(m.Mean * c.Scale, c.Format);
                cells.Add(m.HalfWidth95 > 0 ? $"{mean} ± {Format(m.HalfWidth95 * c.Scale, c.Format.Replace("'%'", string.Empty, StringComparison.Ordinal))}" : mean);
            }

            return cells;
        }).ToList();

        if (rows.Count == 1)
        {
            // One point reads best as metric / value lines, whatever the terminal's width.
            table.AddColumn("metric");
            table.AddColumn(new TableColumn("value").RightAligned());
            for (int k = 1; k < headers.Count; k++)
            {
                table.AddRow(Markup.Escape(headers[k]), rows[0][k]);
            }
        }
        else
        {
            table.AddColumn(headers[0]);
            foreach (string header in headers.Skip(1))
            {
                table.AddColumn(new TableColumn(header).RightAligned());
            }

            foreach (var cells in rows)
            {
                table.AddRow(cells.ToArray());
            }
        }

        AnsiConsole.Write(table);
        if (columns == FleetColumns && results.Count > 1)
        {
            PointResult cheapest = results.MinBy(r => r.Metric("cost_per_mtok_at_launch").Mean)!;
            AnsiConsole.MarkupLine($"cheapest: [bold]{Markup.Escape(SweepPlan.Label(cheapest.Point.Parameters))}[/] at ${Format(cheapest.Metric("cost_per_mtok_at_launch").Mean, "0.000")} per million output tokens");
        }
    }

    private static string Format(double value, string format) => double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "-";
}
