using System.Diagnostics;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Running;
using ClusterSim.Experiments.Studies;

namespace ClusterSim.Bench;

/// <summary>
/// Every shipped experiment that serves requests (serving, fleet, lifecycle, choices, edge), run in process on one
/// worker: the first run warms the JIT, then the median wall time of the rest — the simulation alone, no files or report.
/// </summary>
internal static class ExperimentScaleHarness
{
    private static readonly StudyKind[] Serving = [StudyKind.Serving, StudyKind.Fleet, StudyKind.Lifecycle, StudyKind.Choices, StudyKind.Edge];

    public static void Run(string directory, int repeats)
    {
        Console.WriteLine($"{"experiment",-28} {"study",-10} {"points x reps",14} {"median ms",10} {"min ms",8} {"max ms",8}");
        foreach (string file in Directory.GetFiles(directory, "*.yaml").Order(StringComparer.Ordinal))
        {
            Experiment experiment = ExperimentLoader.Load(file);
            StudyKind kind = experiment.Points[0].Study.Kind;
            if (!Serving.Contains(kind))
            {
                continue;
            }

            _ = ExperimentRunner.Run(experiment, workers: 1);
            var times = new List<double>();
            for (int i = 0; i < repeats; i++)
            {
                var clock = Stopwatch.StartNew();
                _ = ExperimentRunner.Run(experiment, workers: 1);
                times.Add(clock.Elapsed.TotalMilliseconds);
            }

            times.Sort();
            Console.WriteLine($"{Path.GetFileName(file),-28} {kind,-10} {$"{experiment.Points.Count} x {experiment.Replications}",14} {times[times.Count / 2],10:F0} {times[0],8:F0} {times[^1],8:F0}");
        }
    }
}
