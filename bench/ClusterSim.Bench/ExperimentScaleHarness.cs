using System.Globalization;
using System.Diagnostics;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Running;
using ClusterSim.Experiments.Studies;

namespace ClusterSim.Bench;

/// <summary>
/// Every shipped experiment that serves requests (serving, fleet, lifecycle, choices, edge), run in process on one
/// worker: the first run warms the JIT, then the median wall time of the rest — the simulation alone, no files or report —
/// with the events a run fires (over every point and replication that reports them) and the wall time per event, which
/// tells an experiment with many cheap events from one whose events are dear (a prefix cache's block bookkeeping).
/// </summary>
internal static class ExperimentScaleHarness
{
    private static readonly StudyKind[] Serving = [StudyKind.Serving, StudyKind.Fleet, StudyKind.Lifecycle, StudyKind.Choices, StudyKind.Edge];

    public static void Run(string directory, int repeats)
    {
        Console.WriteLine($"{"experiment",-28} {"study",-10} {"points x reps",14} {"median ms",10} {"min ms",8} {"max ms",8} {"events",11} {"ns/event",9}");
        foreach (string file in Directory.GetFiles(directory, "*.yaml").Order(StringComparer.Ordinal))
        {
            Experiment experiment = ExperimentLoader.Load(file);
            StudyKind kind = experiment.Points[0].Study.Kind;
            if (!Serving.Contains(kind))
            {
                continue;
            }

            double events = ExperimentRunner.Run(experiment, workers: 1)
                .SelectMany(point => point.Replications)
                .Sum(replication => replication.Scalars().FirstOrDefault(scalar => scalar.Name == "events").Value);
            var times = new List<double>();
            for (int i = 0; i < repeats; i++)
            {
                var clock = Stopwatch.StartNew();
                _ = ExperimentRunner.Run(experiment, workers: 1);
                times.Add(clock.Elapsed.TotalMilliseconds);
            }

            times.Sort();
            Console.WriteLine($"{Path.GetFileName(file),-28} {kind,-10} {$"{experiment.Points.Count} x {(experiment.Until is null ? experiment.Replications.ToString(CultureInfo.InvariantCulture) : $"{experiment.Replications}-{experiment.MaxReplications}")}",14} {times[times.Count / 2],10:F0} {times[0],8:F0} {times[^1],8:F0} {events,11:N0} {(events > 0 ? $"{times[times.Count / 2] * 1e6 / events:F0}" : "-"),9}");
        }
    }
}
