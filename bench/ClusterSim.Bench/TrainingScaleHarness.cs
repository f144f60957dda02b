using System.Diagnostics;
using ClusterSim.Core.Training;

namespace ClusterSim.Bench;

/// <summary>Wall-clock time of the 90-day, 16,384-GPU run with failures, as a median over repeats (the target: under 1 s).</summary>
internal static class TrainingScaleHarness
{
    public static void Run(int repeats)
    {
        var seconds = new List<double>();
        TrainingResult? last = null;
        for (int i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            last = new TrainingRun(TrainingRunBenchmark.NinetyDays, i + 1).Run();
            seconds.Add(clock.Elapsed.TotalSeconds);
        }

        seconds.Sort();
        Console.WriteLine($"simulated {last!.WallDays:F1} days on {last.Job.Plan.Accelerators:N0} GPUs: {last.Failures} failures, {last.Checkpoints} checkpoints, {last.EventsFired:N0} events");
        Console.WriteLine($"wall time per run: median {seconds[seconds.Count / 2] * 1e3:F1} ms over {repeats} runs (min {seconds[0] * 1e3:F1} ms, max {seconds[^1] * 1e3:F1} ms)");
    }
}
