using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Results;
using ClusterSim.Experiments.Running;
using ClusterSim.Experiments.Studies;
using ClusterSim.Experiments.Sweeps;
using ClusterSim.Reporting.Report;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace ClusterSim.Cli;

/// <summary>`clustersim run FILE`: runs every point and replication, writes the results and prints a summary.</summary>
internal static class RunCommand
{
    public static Command Build()
    {
        var file = new Argument<string>("experiment") { Description = "Experiment file (YAML)." };
        var output = new Option<string?>("--output", "-o") { Description = "Directory for the results (default: results/<experiment>/<run-id>)." };
        var workers = new Option<int>("--workers", "-w") { Description = "Runs in parallel (default: one per core).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var json = new Option<bool>("--json") { Description = "Print the run's summary as JSON on standard output (for scripts)." };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print only errors and where the results are." };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Log every finished run." };
        var trace = new Option<bool>("--trace") { Description = "Also write trace.json (Perfetto / chrome://tracing) of the first point's first replication: iterations and requests of a serving run, placements of a cluster." };
        var resume = new Option<bool>("--resume") { Description = "Finish an interrupted run: keep the points already in the results directory (--output, or the newest unfinished run of this experiment) and run the rest." };
        var shard = new Option<string?>("--shard") { Description = "Run one share of the points: i/n (0-based), 'auto' (Slurm array job) or 'auto/n' (index from Slurm or a Kubernetes Indexed Job). Needs --output; combine shards with 'clustersim merge'." };
        var maxPoints = ExperimentLoading.MaxPointsOption();
        var format = CommandLine.FormatOption("the summary");
        var png = CommandLine.PngOption();
        var timings = new Option<bool>("--timings") { Description = "Print how long loading, simulating, writing the summary and drawing the report took (standard error)." };
        var command = new Command("run", "Run an experiment and write CSV/JSON results.") { file, output, workers, json, quiet, verbose, trace, resume, shard, maxPoints, format, png, timings };
        command.SetAction(result => Execute(new Request(
            result.GetValue(file)!, result.GetValue(output), result.GetValue(workers), result.GetValue(json), result.GetValue(quiet),
            result.GetValue(verbose), result.GetValue(trace), result.GetValue(resume), result.GetValue(shard), result.GetValue(maxPoints),
            PlainTable.Formats[result.GetValue(format)!], result.GetValue(png), result.GetValue(timings))));
        return command;
    }

    private sealed record Request(string Path, string? Output, int Workers, bool Json, bool Quiet, bool Verbose, bool Trace, bool Resume, string? Shard, int MaxPoints, OutputFormat Format, bool Png, bool Timings);

    private static void WarmUp(bool charts)
    {
        try
        {
            _ = System.Security.Cryptography.SHA256.HashData(ReadOnlySpan<byte>.Empty);
            if (charts)
            {
                ClusterSim.Reporting.Charts.ScottPlotChartRenderer.WarmUp();
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Only a head start: the digests and charts are made (and any failure reported) when they are needed either way.
        }
    }

    private static int Execute(Request request)
    {
        PhaseTimer? timer = request.Timings ? new PhaseTimer() : null;
        int code = Execute(request, timer);
        if (timer is not null)
        {
            Console.Error.WriteLine(timer.Summary());
        }

        return code;
    }

    private static int Execute(Request request, PhaseTimer? timer)
    {
        if (!ExperimentLoading.TryLoad(request.Path, out Experiment? loaded, request.MaxPoints))
        {
            return ExitCodes.InvalidInput;
        }

        timer?.Mark("load");

        Experiment experiment = loaded!;
        RunOptions options;
        try
        {
            Shard shard = request.Shard is null ? Shard.Whole : Shard.Parse(request.Shard, Environment.GetEnvironmentVariable);
            options = new RunOptions { Workers = request.Workers, Shard = shard, Directory = ResultsDirectory(request, experiment, shard), Resume = request.Resume }.Validated();
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.InvalidInput;
        }

        string directory = options.Directory!;
        if (File.Exists(directory))
        {
            // Said before the runs, not after them when the first point is written.
            Console.Error.WriteLine($"error: --output {directory} is a file; expected a directory (new, or one to resume into)");
            return ExitCodes.InvalidInput;
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // The first Ctrl-C stops cleanly; a second one ends the process at once.
            e.Cancel = !cancel.IsCancellationRequested;
            if (e.Cancel)
            {
                Console.Error.WriteLine("stopping: finishing the runs in progress and writing the points that are done (Ctrl-C again to abort)");
                cancel.Cancel();
            }
        };

        // Logs go to standard error, so standard output carries the results alone (the summary, or --json).
        using ILoggerFactory logging = StandardErrorLoggerProvider.Factory(request.Quiet || request.Json ? LogLevel.Warning : request.Verbose ? LogLevel.Debug : LogLevel.Information);
        ILogger log = logging.CreateLogger("clustersim");
        foreach (string warning in experiment.Warnings)
        {
            log.LogWarning("{Warning}", warning);
        }

        int owned = experiment.Points.Count(p => options.Shard.Owns(p.Index));
        log.LogInformation("{Experiment}: {Points} point(s) x {Replications} on {Workers} worker(s){Shard}", experiment.Name, owned, experiment.ReplicationsText, options.Workers,
            options.Shard.IsWhole ? string.Empty : $", shard {options.Shard} of {experiment.Points.Count} points");

        // What writing needs is loaded on another core while the runs simulate: OpenSSL for the point files' digests, and
        // for the report's charts the fonts and SkiaSharp.
        bool charts = options.Shard.IsWhole;
        _ = Task.Run(() => WarmUp(charts));

        IReadOnlyList<PointResult> results;
        var clock = Stopwatch.StartNew();
        try
        {
            bool interactive = !request.Quiet && !request.Json && request.Format == OutputFormat.Table && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
            results = interactive
                ? RunWithProgressBar(experiment, options, cancel.Token)
                : ExperimentRunner.Run(experiment, options, new ProgressLog(log, clock), cancel.Token);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine($"cancelled: finished points are in {Path.GetFullPath(directory)}");
            Console.Error.WriteLine($"resume with: clustersim run {request.Path} --output {directory} --resume{(options.Shard.IsWhole ? string.Empty : $" --shard {request.Shard}")}");
            return ExitCodes.Cancelled;
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.InvalidInput;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: cannot write the results to {directory}: {e.Message}");
            return ExitCodes.RunFailed;
        }
        catch (AggregateException e)
        {
            foreach (Exception inner in e.Flatten().InnerExceptions.DistinctBy(x => x.Message))
            {
                Console.Error.WriteLine($"error: {inner.Message}");
            }

            Console.Error.WriteLine($"the run failed; points finished before the failure are in {Path.GetFullPath(directory)} (no summary was written)");
            return ExitCodes.RunFailed;
        }

        timer?.Mark("simulate and write points");
        log.LogInformation("finished {Runs} runs in {Seconds:F1} s", results.Sum(r => r.Replications.Count), clock.Elapsed.TotalSeconds);
        if (!options.Shard.IsWhole)
        {
            Console.Error.WriteLine($"shard {options.Shard}: {results.Count} point(s) in {Path.GetFullPath(directory)}");
            Console.Error.WriteLine($"when every shard is done: clustersim merge {request.Path} <shard directories> (one shared directory works too)");
            return RunPublisher.Conserved(results) ? ExitCodes.Success : ExitCodes.RunFailed;
        }

        try
        {
            ResultWriter.WriteSummary(directory, results);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: cannot write the results to {directory}: {e.Message}");
            return ExitCodes.RunFailed;
        }

        timer?.Mark("summary");
        int code = RunPublisher.Publish(directory, experiment, results, request.Json, request.Quiet, request.Format, request.Png);
        timer?.Mark("report");
        if (request.Trace)
        {
            WriteTrace(directory, experiment, results[0]);
        }

        return code;
    }

    /// <summary>--output; with --resume and no --output, the newest unfinished run; otherwise a new run id.</summary>
    private static string ResultsDirectory(Request request, Experiment experiment, Shard shard)
    {
        string root = Path.Combine("results", experiment.Name);
        if (request.Output is { } output)
        {
            return output;
        }

        if (!shard.IsWhole)
        {
            throw new ArgumentException("--shard needs --output DIR: one directory all shards share, or one per shard, for 'clustersim merge' to combine");
        }

        return request.Resume
            ? RunDirectory.LatestUnfinished(root) ?? throw new ArgumentException($"--resume: no unfinished run of {experiment.Name} under {root}; give the directory with --output")
            : Path.Combine(root, DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
    }

    /// <summary>Replays the first point's first replication with a recorder and writes its timeline.</summary>
    private static void WriteTrace(string directory, Experiment experiment, PointResult first)
    {
        long seed = ClusterSim.Core.Engine.RandomStreams.ForReplication(experiment.Seed, 0);
        if (first.Point.Study.Timeline(first.Point, first.ArrivalRate, seed) is not { } timeline)
        {
            Console.Error.WriteLine($"trace: {first.Point.Study.Kind.ToString().ToLowerInvariant()} experiments have no timeline; none written (serving and cluster experiments do)");
            return;
        }

        string file = Path.Combine(directory, "trace.json");
        AtomicFile.Write(file, timeline.Write);
        Console.Error.WriteLine($"trace:   {Path.GetFullPath(file)} (open in ui.perfetto.dev)" + (timeline.Note is { } note ? $"; {note}" : string.Empty));
    }

    private static IReadOnlyList<PointResult> RunWithProgressBar(Experiment experiment, RunOptions options, CancellationToken cancel)
    {
        IReadOnlyList<PointResult> results = [];
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RunsColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                ProgressTask task = context.AddTask(experiment.Name, autoStart: true);
                results = ExperimentRunner.Run(experiment, options, new Progress<RunProgress>(p =>
                {
                    task.MaxValue = p.Total;
                    task.Value = p.Done;
                }), cancel);
                task.Value = task.MaxValue;
            });
        return results;
    }
}
