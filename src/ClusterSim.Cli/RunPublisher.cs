using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Results;
using ClusterSim.Experiments.Running;
using ClusterSim.Reporting.Report;

namespace ClusterSim.Cli;

/// <summary>What `run` and `merge` do once every point and summary.csv are in: the report and the console summary.</summary>
internal static class RunPublisher
{
    /// <summary>Writes the report, prints the summary (table or JSON) and where the files are; returns the exit code.</summary>
    public static int Publish(string directory, Experiment experiment, IReadOnlyList<PointResult> results, bool json, bool quiet, OutputFormat format = OutputFormat.Table, bool png = false)
    {
        string report;
        try
        {
            report = HtmlReport.Write(directory, experiment, results, png: png);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: cannot write the results to {directory}: {e.Message}");
            return ExitCodes.RunFailed;
        }
        catch (Exception e) when (NativeLibraries.MissingIn(e) is { } missing)
        {
            Console.Error.WriteLine($"error: {NativeLibraries.Advice(missing)}");
            Console.Error.WriteLine($"the results and summary are in {Path.GetFullPath(directory)}; no report was written");
            return ExitCodes.RunFailed;
        }

        if (!ClusterSim.Reporting.Charts.ScottPlotChartRenderer.CanDrawText)
        {
            Console.Error.WriteLine("warning: " + ClusterSim.Reporting.Charts.ScottPlotChartRenderer.NoFontWarning);
        }

        if (json)
        {
            Console.Out.Write(ResultWriter.SummaryJson(experiment, results));
        }
        else if (!quiet)
        {
            SummaryTable.Print(experiment, results, format);
        }

        Console.Error.WriteLine($"results: {Path.GetFullPath(directory)}");
        Console.Error.WriteLine($"report:  {Path.GetFullPath(report)}");
        return Conserved(results) ? ExitCodes.Success : ExitCodes.RunFailed;
    }

    /// <summary>True when every replication's invariants held; otherwise says which points broke them.</summary>
    public static bool Conserved(IReadOnlyList<PointResult> results)
    {
        var broken = results.Where(r => r.Replications.Any(x => !x.Conserved)).Select(r => r.Point.Index).ToList();
        if (broken.Count > 0)
        {
            Console.Error.WriteLine($"error: accounting invariants failed in point(s) {string.Join(", ", broken)} (see conserved in points/*.json)");
        }

        return broken.Count == 0;
    }
}
