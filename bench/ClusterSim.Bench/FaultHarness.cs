using System.Diagnostics;

namespace ClusterSim.Bench;

/// <summary>
/// Kill -9 at random moments, then resume: runs the published CLI (build it first: dotnet build src/ClusterSim.Cli -c
/// Release) on a sweep once without interruption, then <c>kills</c> times kills a run at a seeded random moment, resumes
/// it with --resume and compares every file with the uninterrupted run's, byte for byte; a temporary the kill left
/// half-written must be gone after the resume.
/// </summary>
internal static class FaultHarness
{
    private const string CliPath = "src/ClusterSim.Cli/bin/Release/net10.0/clustersim.dll";
    private const string Experiment = "experiments/sweep-batching.yaml";

    public static int Run(int kills)
    {
        if (!File.Exists(CliPath))
        {
            Console.Error.WriteLine($"{CliPath} not found: build it first (dotnet build src/ClusterSim.Cli -c Release)");
            return 2;
        }

        string root = Path.Combine(Path.GetTempPath(), $"clustersim-faults-{Environment.ProcessId}");
        string reference = Path.Combine(root, "reference");
        var clock = Stopwatch.StartNew();
        Check(Cli(reference, resume: false).WaitForExitAndCode(), "the uninterrupted run");
        double seconds = clock.Elapsed.TotalSeconds;
        Dictionary<string, byte[]> expected = Files(reference, out _);
        Console.WriteLine($"uninterrupted: {seconds:F1} s, {expected.Count} files");

        var random = new Random(2026);
        int identical = 0;
        for (int i = 0; i < kills; i++)
        {
            string directory = Path.Combine(root, $"kill-{i:D2}");
            double at = 0.05 + (random.NextDouble() * seconds * 0.95);
            Process run = Cli(directory, resume: false);
            Thread.Sleep(TimeSpan.FromSeconds(at));
            bool killed = !run.HasExited;
            if (killed)
            {
                run.Kill(entireProcessTree: true);   // SIGKILL: no handler runs
            }

            run.WaitForExit();
            int pointsAtKill = Directory.Exists(Path.Combine(directory, "points")) ? Directory.GetFiles(Path.Combine(directory, "points"), "*.json").Length : 0;
            int resumed = Cli(directory, resume: true).WaitForExitAndCode();
            Dictionary<string, byte[]> actual = Files(directory, out int temporaries);
            bool same = resumed == 0 && temporaries == 0 && actual.Count == expected.Count && actual.All(f => expected.TryGetValue(f.Key, out byte[]? e) && e.AsSpan().SequenceEqual(f.Value));
            identical += same ? 1 : 0;
            Console.WriteLine($"kill {i + 1,2} at {at,5:F2} s{(killed ? string.Empty : " (had finished)")}: {pointsAtKill} point file(s) on disk; resume exit {resumed}; {(same ? "byte-identical" : "DIFFERENT")}{(temporaries > 0 ? $", {temporaries} stray temporary file(s)" : string.Empty)}");
        }

        Console.WriteLine($"{identical} of {kills} byte-identical after kill -9 and --resume");
        Directory.Delete(root, recursive: true);
        return identical == kills ? 0 : 1;
    }

    private static Process Cli(string directory, bool resume)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in new[] { CliPath, "run", Experiment, "--output", directory, "--quiet", "-w", "2" }.Concat(resume ? ["--resume"] : []))
        {
            start.ArgumentList.Add(arg);
        }

        Process process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static int WaitForExitAndCode(this Process process)
    {
        process.WaitForExit();
        return process.ExitCode;
    }

    private static void Check(int code, string what)
    {
        if (code != 0)
        {
            throw new InvalidOperationException($"{what} exited with {code}");
        }
    }

    private static Dictionary<string, byte[]> Files(string directory, out int temporaries)
    {
        var files = Directory.GetFiles(directory, "*", SearchOption.AllDirectories);
        temporaries = files.Count(f => f.EndsWith(".tmp", StringComparison.Ordinal));
        return files.Where(f => !f.EndsWith(".tmp", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetRelativePath(directory, f), File.ReadAllBytes, StringComparer.Ordinal);
    }
}
