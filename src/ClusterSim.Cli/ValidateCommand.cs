using System.CommandLine;
using ClusterSim.Experiments.Files;

namespace ClusterSim.Cli;

/// <summary>`clustersim validate FILE`: every problem of an experiment file, without running it, and the warnings a run would give.</summary>
internal static class ValidateCommand
{
    public static Command Build()
    {
        var file = new Argument<string>("experiment") { Description = "Experiment file (YAML)." };
        var maxPoints = ExperimentLoading.MaxPointsOption();
        var command = new Command("validate", "Check an experiment file and report every problem with file:line:column.") { file, maxPoints };
        command.SetAction(result =>
        {
            string path = result.GetValue(file)!;
            if (!ExperimentLoading.TryLoad(path, out Experiment? experiment, result.GetValue(maxPoints)))
            {
                return ExitCodes.InvalidInput;
            }

            Console.WriteLine($"{path}: valid ({experiment!.Points.Count} point(s) x {experiment.ReplicationsText})");
            foreach (string warning in experiment.Warnings)
            {
                // Valid, but what a run would not take from data is said now, as `run` says it.
                Console.Error.WriteLine($"warn: {warning}");
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
