using ClusterSim.Experiments.Files;

namespace ClusterSim.Cli;

/// <summary>Loads an experiment and prints its problems to standard error, one per line.</summary>
internal static class ExperimentLoading
{
    public static bool TryLoad(string path, out Experiment? experiment)
    {
        try
        {
            experiment = ExperimentLoader.Load(path);
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
