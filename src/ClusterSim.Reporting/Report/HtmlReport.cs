using System.Globalization;
using System.Net;
using System.Text;
using ClusterSim.Core.Metrics;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Results;
using ClusterSim.Experiments.Studies;
using ClusterSim.Experiments.Running;
using ClusterSim.Experiments.Sweeps;
using ClusterSim.Reporting.Charts;

namespace ClusterSim.Reporting.Report;

/// <summary>
/// One self-contained report.html (inline CSS and SVG, no scripts, no network) with the summary table, every
/// chart and the resolved experiment; each chart is also written as charts/&lt;id&gt;.svg, and on request as
/// charts/&lt;id&gt;.png at twice its size (ScottPlot draws both; no browser is needed).
/// </summary>
public static class HtmlReport
{
    /// <summary>Writes report.html and charts/*.svg (and charts/*.png with <paramref name="png"/>) under <paramref name="directory"/>; returns the report's path.</summary>
    public static string Write(string directory, Experiment experiment, IReadOnlyList<PointResult> results, IChartRenderer? renderer = null, bool png = false)
    {
        renderer ??= new ScottPlotChartRenderer();
        var charts = ReportCharts.For(experiment, results);
        // Charts are drawn and written in parallel (one per core), each to its own files; the report keeps their order.
        var rendered = charts.AsParallel().AsOrdered().Select(chart =>
        {
            string svg = renderer.Render(chart);
            AtomicFile.WriteText(Path.Combine(directory, "charts", chart.Id + ".svg"), [XmlDeclaration.AsMemory(), svg.AsMemory()]);
            if (png)
            {
                byte[] image = ScottPlotChartRenderer.Png(chart);
                AtomicFile.Write(Path.Combine(directory, "charts", chart.Id + ".png"), stream => stream.Write(image));
            }

            return (Chart: chart, Svg: svg);
        }).ToList();

        string path = Path.Combine(directory, "report.html");
        AtomicFile.WriteText(path, [.. HtmlParts(experiment, results, rendered.Select(r => r.Svg).ToList(), ScottPlotChartRenderer.CanDrawText)]);
        return path;
    }

    private const string XmlDeclaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

    /// <summary>The report's HTML text.</summary>
    public static string Html(Experiment experiment, IReadOnlyList<PointResult> results, IReadOnlyList<string> svgs, bool chartsHaveText = true)
    {
        var html = new StringBuilder();
        foreach (ReadOnlyMemory<char> part in HtmlParts(experiment, results, svgs, chartsHaveText))
        {
            html.Append(part);
        }

        return html.ToString();
    }

    /// <summary>
    /// The report's HTML text in order, as the text around the charts and each chart's SVG as it is (a long series' chart
    /// is a few hundred kilobytes: the page goes to disk without being copied into one string first).
    /// </summary>
    private static IEnumerable<ReadOnlyMemory<char>> HtmlParts(Experiment experiment, IReadOnlyList<PointResult> results, IReadOnlyList<string> svgs, bool chartsHaveText)
    {
        StringBuilder head = Head(experiment, results, chartsHaveText);
        foreach (ReadOnlyMemory<char> chunk in head.GetChunks())
        {
            yield return chunk;
        }

        foreach (string svg in svgs)
        {
            yield return "<figure>\n".AsMemory();
            yield return svg.AsMemory();
            yield return "</figure>\n".AsMemory();
        }

        StringBuilder tail = Tail(experiment, results);
        foreach (ReadOnlyMemory<char> chunk in tail.GetChunks())
        {
            yield return chunk;
        }
    }

    /// <summary>The page up to its charts.</summary>
    private static StringBuilder Head(Experiment experiment, IReadOnlyList<PointResult> results, bool chartsHaveText)
    {
        var html = new StringBuilder(1 << 14);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        html.Append(CultureInfo.InvariantCulture, $"<title>{E(experiment.Name)} — ClusterSim report</title>\n");
        html.Append("""
            <style>
            body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 0 auto; max-width: 1000px; padding: 1rem; color: #222; line-height: 1.45; }
            h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
            .meta { color: #666; font-size: .9rem; } .warning { background: #fff4e5; border-left: 4px solid #D55E00; padding: .5rem .8rem; }
            figure { margin: 1.2rem 0; } svg.chart { width: 100%; height: auto; display: block; border: 1px solid #eee; }
            .table-wrap { overflow-x: auto; } table { border-collapse: collapse; font-size: .85rem; font-variant-numeric: tabular-nums; }
            th, td { padding: .25rem .6rem; border-bottom: 1px solid #eee; text-align: right; vertical-align: top; } th:first-child, td:first-child { text-align: left; min-width: 12rem; }
            td code { color: #888; font-size: .75rem; } .ci { display: inline-block; color: #666; white-space: nowrap; } .table-wrap + .table-wrap { margin-top: 1.2rem; }
            pre { background: #f6f6f6; padding: .8rem; overflow-x: auto; font-size: .8rem; }
            @media print { body { max-width: none; } figure { break-inside: avoid; } }
            </style>

            """);
        html.Append("</head>\n<body>\n");
        html.Append(CultureInfo.InvariantCulture, $"<h1>{E(experiment.Name)}</h1>\n<p>{E(experiment.Description)}</p>\n");
        html.Append(CultureInfo.InvariantCulture, $"<p class=\"meta\">ClusterSim {E(ResultWriter.Version)} · seed {experiment.Seed} · {results.Count} point(s) × {E(experiment.ReplicationsText)} · source {E(Path.GetFileName(experiment.SourceFile))}</p>\n");
        foreach (string warning in experiment.Warnings)
        {
            // What the run could not take from data (an uncalibrated accelerator, a missing TDP, a layer type not modelled).
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"warning\"><strong>Warning:</strong> {E(warning)}</p>\n");
        }

        // What the study's findings say under the printed summary (a crossover's date, each class's latency, a payback).
        if (ExperimentFindings.Of(experiment, results).ToList() is { Count: > 0 } findings)
        {
            html.Append("<h2>Findings</h2>\n<ul>\n");
            foreach (string finding in findings)
            {
                html.Append(CultureInfo.InvariantCulture, $"<li>{E(finding)}</li>\n");
            }

            html.Append("</ul>\n");
        }

        html.Append("<h2>Charts</h2>\n");
        if (!chartsHaveText)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"warning\"><strong>Warning:</strong> {E(ScottPlotChartRenderer.NoFontWarning)}.</p>\n");
        }

        return html;
    }

    /// <summary>The page after its charts: the summary tables and the resolved experiment.</summary>
    private static StringBuilder Tail(Experiment experiment, IReadOnlyList<PointResult> results)
    {
        var html = new StringBuilder(1 << 14);
        html.Append("<h2>Summary</h2>\n<p class=\"meta\">Mean ± half-width of the 95 % Student-t interval over replications.</p>\n");
        // Wide sweeps wrap into tables of a few points each, so no point sits off-screen.
        foreach (PointResult[] chunk in results.Chunk(PointsPerTable))
        {
            SummaryTable(html, chunk);
        }

        html.Append("<h2>Resolved experiment</h2>\n<pre>").Append(E(experiment.ResolvedText)).Append("</pre>\n</body>\n</html>\n");
        return html;
    }

    /// <summary>Points side by side in one summary table; more go to the next table.</summary>
    private const int PointsPerTable = 5;

    private static void SummaryTable(StringBuilder html, IReadOnlyList<PointResult> results)
    {
        html.Append("<div class=\"table-wrap\"><table>\n<thead><tr><th>metric</th>");
        foreach (PointResult r in results)
        {
            html.Append(CultureInfo.InvariantCulture, $"<th>{E(r.Point.Label)}</th>");
        }

        html.Append("</tr></thead>\n<tbody>\n");
        foreach (MetricSummary m in results[0].Metrics)
        {
            // A person's name for the metric and its unit, with the key summary.csv uses beneath it.
            MetricInfo? info = MetricCatalog.Find(m.Name);
            string unit = info is { Unit: { Length: > 0 } u } && !info.Readable.Contains($"({u})", StringComparison.Ordinal) ? $" ({u})" : string.Empty;
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(MetricCatalog.Readable(m.Name) + unit)}<br><code>{E(m.Name)}</code></td>");
            foreach (PointResult r in results)
            {
                MetricSummary s = r.Metric(m.Name);
                html.Append(CultureInfo.InvariantCulture, $"<td>{Cell(s.Mean, s.HalfWidth95)}</td>");
            }

            html.Append("</tr>\n");
        }

        html.Append("</tbody></table></div>\n");
    }

    /// <summary>A mean and its 95 % half-width in plain decimals (never an exponent), the half-width to the mean's last digit.</summary>
    internal static string Cell(double mean, double halfWidth)
    {
        if (!double.IsFinite(mean))
        {
            return "–";
        }

        int decimals = Decimals(mean);
        string text = Plain(mean, decimals);
        if (!(halfWidth > 0) || !double.IsFinite(halfWidth))
        {
            return text;
        }

        double step = Math.Pow(10, -decimals);
        return $"{text} <span class=\"ci\">± {(halfWidth < step / 2 ? "&lt;" + Plain(step, decimals) : Plain(halfWidth, decimals))}</span>";
    }

    /// <summary>Decimals that keep four significant digits of <paramref name="v"/> (none at 1,000 and above, at most 12).</summary>
    private static int Decimals(double v)
    {
        double a = Math.Abs(v);
        return a == 0 || a >= 1000 ? 0 : Math.Clamp(3 - (int)Math.Floor(Math.Log10(a)), 0, 12);
    }

    private static string Plain(double v, int decimals) =>
        v.ToString(decimals == 0 ? "#,0" : "#,0." + new string('#', decimals), CultureInfo.InvariantCulture);

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
