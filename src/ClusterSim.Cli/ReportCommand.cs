using System.CommandLine;
#if !NO_BROWSER
using ClusterSim.Cli.Browser;
#endif
using ClusterSim.Reporting.Report;

namespace ClusterSim.Cli;

/// <summary>`clustersim report DIR --png`: checks a run's report in headless Chromium and exports PNGs of it.</summary>
internal static class ReportCommand
{
    public static Command Build()
    {
        var directory = new Argument<string>("results") { Description = "A results directory written by 'clustersim run' (holds report.html)." };
        var png = new Option<bool>("--png") { Description = "Export report.png and charts/*.png with headless Chromium." };
        var command = new Command("report", "Check a run's HTML report in a browser and export PNG charts.") { directory, png };
        command.SetAction(result => Execute(result.GetValue(directory)!, result.GetValue(png)));
        return command;
    }

    private static int Execute(string directory, bool png)
    {
        string report = Path.Combine(directory, "report.html");
        if (!File.Exists(report))
        {
            Console.Error.WriteLine($"error: {report} not found; run an experiment first ('clustersim run FILE --output {directory}')");
            return ExitCodes.InvalidInput;
        }

        if (!png)
        {
            Console.Error.WriteLine($"report: {Path.GetFullPath(report)} (add --png to export PNGs)");
            return ExitCodes.Success;
        }

#if NO_BROWSER
        Console.Error.WriteLine("error: this build of clustersim was published without the browser driver (Native AOT); use a JIT or ReadyToRun build for 'report --png', or 'run --png' for chart PNGs");
        return ExitCodes.RunFailed;
#else
        try
        {
            BrowserCheck check = PngExporter.ExportAsync(report).GetAwaiter().GetResult();
            foreach (string error in check.ConsoleErrors)
            {
                Console.Error.WriteLine($"browser console error: {error}");
            }

            foreach (string file in check.Pngs)
            {
                Console.Error.WriteLine($"png: {file}");
            }

            return check.ConsoleErrors.Count == 0 && check.Charts.All(c => c.Width > 0 && c.Height > 0) ? ExitCodes.Success : ExitCodes.RunFailed;
        }
        catch (Exception e) when (e is InvalidOperationException or Microsoft.Playwright.PlaywrightException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.RunFailed;
        }
#endif
    }
}
