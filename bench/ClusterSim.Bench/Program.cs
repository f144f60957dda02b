using BenchmarkDotNet.Running;
using ClusterSim.Bench;

// "scale [requests] [repeats] [load]" runs the serving scale harness (load: the share of saturation offered, 0.8), "training-scale [repeats]" the 90-day training run,
// "cluster-scale [repeats]" the 30-day, 10,240-accelerator shared cluster, "vidur-scale [requests] [repeats]" Vidur's
// own Llama-2-70B scenario, "experiments [dir] [repeats]" every shipped serving experiment in process,
// "calibration" prints the serving calibration table, "fuzz [mutations] [seed]" the long fuzz run (seed 4242 unless given), "faults [kills]" the kill -9 and
// resume harness; anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "scale")
{
    long requests = args.Length > 1 ? long.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;
    int repeats = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 3;
    double load = args.Length > 3 ? double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 0.8;
    if (!(load > 0 && load < 1))
    {
        Console.Error.WriteLine($"scale: load must be a share of saturation between 0 and 1 (exclusive), not {args[3]}");
        return 2;
    }

    ScaleHarness.Run(requests, repeats, load);
    return 0;
}

if (args.Length > 0 && args[0] == "vidur-scale")
{
    long requests = args.Length > 1 ? long.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10_000;
    int repeats = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 5;
    VidurScaleHarness.Run(requests, repeats);
    return 0;
}

if (args.Length > 0 && args[0] == "experiments")
{
    ExperimentScaleHarness.Run(args.Length > 1 ? args[1] : "experiments", args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 3);
    return 0;
}

if (args.Length > 0 && args[0] == "training-scale")
{
    TrainingScaleHarness.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 11);
    return 0;
}

if (args.Length > 0 && args[0] == "cluster-scale")
{
    ClusterScaleHarness.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5);
    return 0;
}

if (args.Length > 0 && args[0] == "fuzz")
{
    int mutations = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1000;
    long seed = args.Length > 2 ? long.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 4242;
    return FuzzHarness.Run("experiments", Path.Combine("tests", "ClusterSim.Experiments.Tests", "Files", "FuzzSeeds"), mutations, seed);
}

if (args.Length > 0 && args[0] == "faults")
{
    return FaultHarness.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20);
}

if (args.Length > 0 && args[0] == "calibration")
{
    CalibrationReport.Run();
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(HoldModelBenchmark).Assembly).Run(args);
return 0;
