using System.CommandLine;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Results;
using ClusterSim.Experiments.Running;

namespace ClusterSim.Cli;

/// <summary>`clustersim merge FILE DIR...`: combines shard outputs into the results one run would have written.</summary>
internal static class MergeCommand
{
    public static Command Build()
    {
        var file = new Argument<string>("experiment") { Description = "The experiment file the shards ran." };
        var directories = new Argument<string[]>("directories") { Description = "Results directories of the shards (or one directory they shared).", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string?>("--output", "-o") { Description = "Where the merged results go (default: the directory itself when there is one, else results/<experiment>/<run-id>-merged)." };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON on standard output." };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print only errors and where the results are." };
        var maxPoints = ExperimentLoading.MaxPointsOption();
        var format = CommandLine.FormatOption("the summary");
        var png = CommandLine.PngOption();
        var command = new Command("merge", "Merge the results of sharded runs ('run --shard') into one set of results and a report.") { file, directories, output, json, quiet, maxPoints, format, png };
        command.SetAction(result => Execute(
            result.GetValue(file)!, result.GetValue(directories)!, result.GetValue(output), result.GetValue(json), result.GetValue(quiet), result.GetValue(maxPoints),
            PlainTable.Formats[result.GetValue(format)!], result.GetValue(png)));
        return command;
    }

    private static int Execute(string path, string[] directories, string? output, bool json, bool quiet, int maxPoints, OutputFormat format, bool png)
    {
        if (!ExperimentLoading.TryLoad(path, out Experiment? loaded, maxPoints))
        {
            return ExitCodes.InvalidInput;
        }

        Experiment experiment = loaded!;
        string target = output ?? (directories.Length == 1
            ? directories[0]
            : Path.Combine("results", experiment.Name, DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture) + "-merged"));
        IReadOnlyList<PointResult> results;
        try
        {
            results = ShardMerge.Merge(experiment, directories, target);
        }
        catch (InvalidDataException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.InvalidInput;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: cannot write the merged results to {target}: {e.Message}");
            return ExitCodes.RunFailed;
        }

        if (!quiet && !json)
        {
            Console.Error.WriteLine($"merged {results.Count} point(s) from {directories.Length} director{(directories.Length == 1 ? "y" : "ies")}");
        }

        return RunPublisher.Publish(target, experiment, results, json, quiet, format, png);
    }
}
