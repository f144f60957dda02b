using System.Globalization;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Running;
using ClusterSim.Experiments.Sweeps;
using Spectre.Console;

namespace ClusterSim.Cli;

/// <summary>The per-point table printed after a run.</summary>
internal static class SummaryTable
{
    private static readonly (string Metric, string Header, double Scale, string Format)[] Columns =
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
        table.AddColumn("point");
        table.AddColumn("rate req/s");
        foreach (var c in Columns)
        {
            table.AddColumn(new TableColumn(c.Header).RightAligned());
        }

        foreach (PointResult r in results)
        {
            var cells = new List<string> { Markup.Escape(SweepPlan.Label(r.Point.Parameters)), Format(r.ArrivalRate, "0.0") };
            foreach (var c in Columns)
            {
                MetricSummary m = r.Metric(c.Metric);
                string mean = Format(m.Mean * c.Scale, c.Format);
                cells.Add(m.HalfWidth95 > 0 ? $"{mean} ± {Format(m.HalfWidth95 * c.Scale, c.Format.Replace("'%'", string.Empty, StringComparison.Ordinal))}" : mean);
            }

            table.AddRow(cells.ToArray());
        }

        AnsiConsole.Write(table);
    }

    private static string Format(double value, string format) => double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "-";
}
