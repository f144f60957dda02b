using System.CommandLine;
using ClusterSim.Core.Catalog;
using ClusterSim.Experiments.Replay;

namespace ClusterSim.Cli;

/// <summary>`clustersim replay MEASURED.csv`: simulate every measured run and compare the means.</summary>
internal static class ReplayCommand
{
    public static Command Build()
    {
        var inputs = new MeasuredInputs();
        var calibration = new Option<string?>("--calibration") { Description = "A calibration CSV (from `clustersim calibrate`) used in place of the shipped rows it names." };
        var output = new Option<string?>("--output", "-o") { Description = "Also write the table to this Markdown file." };
        var command = new Command("replay", "Simulate every measured run that gives its rate and lengths; print measured against simulated TTFT, ITL and E2E and the median errors.")
        {
            calibration, output,
        };
        inputs.AddTo(command);
        command.SetAction(result =>
        {
            if (!inputs.TryRead(result, result.GetValue(calibration), out IReadOnlyList<MeasuredRun>? runs, out SimCatalog? catalog))
            {
                return ExitCodes.InvalidInput;
            }

            ReplayReport report = ReplayReport.Run(runs, catalog);
            string table = ReplayTable.Markdown(report);
            Console.Write(table);
            if (report.Outcomes.Count == 0)
            {
                Console.Error.WriteLine("error: no measured run could be simulated; the reasons are listed under 'skipped'");
                return ExitCodes.InvalidInput;
            }

            if (result.GetValue(output) is string path)
            {
                try
                {
                    File.WriteAllText(path, table);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    Console.Error.WriteLine($"error: cannot write {path}: {e.Message}");
                    return ExitCodes.RunFailed;
                }
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
