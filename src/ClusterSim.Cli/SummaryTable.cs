using System.Globalization;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Results;
using ClusterSim.Experiments.Studies;
using ClusterSim.Experiments.Sweeps;
using Spectre.Console;

namespace ClusterSim.Cli;

/// <summary>The per-point table printed after a run.</summary>
internal static class SummaryTable
{
    public static void Print(Experiment experiment, IReadOnlyList<PointResult> results, OutputFormat format = OutputFormat.Table)
    {
        // The caption is a line of its own: as a table title it would wrap to the width of a narrow table.
        string caption = $"{experiment.Name}: mean over {experiment.ReplicationsText}, ± 95 % interval";
        var table = new Table().Border(TableBorder.Rounded);
        Study study = results[0].Point.Study;
        IReadOnlyList<MetricColumn> columns = study.SummaryColumns(results);
        bool serving = study.ShowsArrivalRate(results);
        var headers = new List<string> { "point" };
        if (serving)
        {
            headers.Add("rate req/s");
        }

        headers.AddRange(columns.Select(c => c.Header));
        var rows = results.Select(r =>
        {
            var cells = new List<string> { r.Point.Label };
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

        if (format != OutputFormat.Table)
        {
            // Plain output for scripts and documents: the full table, one row per point; findings follow a Markdown table
            // and go to standard error after CSV, TSV or JSON, which must stay parseable.
            PlainTable.Write(Console.Out, format, headers, rows);
            TextWriter notes = format == OutputFormat.Markdown ? Console.Out : Console.Error;
            foreach (string finding in ExperimentFindings.Of(experiment, results))
            {
                notes.WriteLine(format == OutputFormat.Markdown ? $"\n{finding}" : finding);
            }

            return;
        }

        rows = [.. rows.Select(cells => (List<string>)[Markup.Escape(cells[0]), .. cells.Skip(1)])];
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

        AnsiConsole.WriteLine(caption);
        AnsiConsole.Write(table);
        foreach (string finding in ExperimentFindings.Of(experiment, results))
        {
            AnsiConsole.MarkupLine(Markup.Escape(finding));
        }

        if (study.CheapestBy(results) is { } cost && results.Count > 1)
        {
            PointResult cheapest = results.Where(r => double.IsFinite(r.Metric(cost).Mean)).MinBy(r => r.Metric(cost).Mean) ?? results[0];
            AnsiConsole.MarkupLine($"cheapest: [bold]{Markup.Escape(cheapest.Point.Label)}[/] at ${Format(cheapest.Metric(cost).Mean, "0.000")} per million output tokens");
        }
    }

    private static string Format(double value, string format) => double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "-";
}
