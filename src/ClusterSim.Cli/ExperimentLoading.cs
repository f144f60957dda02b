using System.CommandLine;
using ClusterSim.Experiments.Files;

namespace ClusterSim.Cli;

/// <summary>Loads an experiment and prints its problems to standard error, one per line.</summary>
internal static class ExperimentLoading
{
    /// <summary>The option that raises the sweep-size limit, shared by the commands that load an experiment.</summary>
    public static Option<int> MaxPointsOption() => new("--max-points")
    {
        Description = $"Refuse sweeps of more points than this (default {ExperimentLoader.DefaultMaxPoints:N0}).",
        DefaultValueFactory = _ => ExperimentLoader.DefaultMaxPoints,
    };

    public static bool TryLoad(string path, out Experiment? experiment, int maxPoints = ExperimentLoader.DefaultMaxPoints)
    {
        try
        {
            experiment = ExperimentLoader.Load(path, Math.Max(1, maxPoints));
            return true;
        }
        catch (ExperimentException e)
        {
            Console.Error.WriteLine($"error: {path} has {e.Problems.Count} problem(s):");
            foreach (ExperimentProblem problem in e.Problems)
            {
                Console.Error.WriteLine($"  {problem}");
            }

            experiment = null;
            return false;
        }
    }
}
