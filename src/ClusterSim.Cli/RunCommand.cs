using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Results;
using ClusterSim.Experiments.Running;
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
        var trace = new Option<bool>("--trace") { Description = "Also write trace.json (Perfetto / chrome://tracing) of the first point's first replication: iterations and requests." };
        var command = new Command("run", "Run an experiment and write CSV/JSON results.") { file, output, workers, json, quiet, verbose, trace };
        command.SetAction(result => Execute(
            result.GetValue(file)!, result.GetValue(output), result.GetValue(workers), result.GetValue(json), result.GetValue(quiet), result.GetValue(verbose), result.GetValue(trace)));
        return command;
    }

    private static int Execute(string path, string? output, int workers, bool json, bool quiet, bool verbose, bool trace)
    {
        if (workers < 1)
        {
            Console.Error.WriteLine($"error: --workers must be at least 1, got {workers}");
            return ExitCodes.InvalidInput;
        }

        if (!ExperimentLoading.TryLoad(path, out Experiment? loaded))
        {
            return ExitCodes.InvalidInput;
        }

        Experiment experiment = loaded!;
        string directory = output ?? Path.Combine("results", experiment.Name, DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        using ILoggerFactory logging = LoggerFactory.Create(b => b
            .AddSimpleConsole(o => o.SingleLine = true)
            .SetMinimumLevel(quiet || json ? LogLevel.Warning : verbose ? LogLevel.Debug : LogLevel.Information));
        ILogger log = logging.CreateLogger("clustersim");
        int total = experiment.Points.Count * experiment.Replications;
        log.LogInformation("{Experiment}: {Points} point(s) x {Replications} replication(s) on {Workers} worker(s)", experiment.Name, experiment.Points.Count, experiment.Replications, workers);

        IReadOnlyList<PointResult> results;
        var clock = Stopwatch.StartNew();
        try
        {
            bool interactive = !quiet && !json && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
            results = interactive
                ? RunWithProgressBar(experiment, workers, total, cancel.Token)
                : ExperimentRunner.Run(experiment, workers, new Progress<int>(done => log.LogDebug("{Done}/{Total} runs finished", done, total)), cancel.Token);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("cancelled: no results were written");
            return ExitCodes.Cancelled;
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.InvalidInput;
        }
        catch (AggregateException e)
        {
            foreach (Exception inner in e.Flatten().InnerExceptions.DistinctBy(x => x.Message))
            {
                Console.Error.WriteLine($"error: {inner.Message}");
            }

            Console.Error.WriteLine("no results were written");
            return ExitCodes.RunFailed;
        }

        string report;
        try
        {
            ResultWriter.Write(directory, experiment, results);
            report = HtmlReport.Write(directory, experiment, results);
            if (trace)
            {
                WriteTrace(directory, experiment, results[0]);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: cannot write the results to {directory}: {e.Message}");
            return ExitCodes.RunFailed;
        }
        log.LogInformation("finished {Runs} runs in {Seconds:F1} s", total, clock.Elapsed.TotalSeconds);
        if (json)
        {
            Console.Out.Write(ResultWriter.SummaryJson(experiment, results));
        }
        else if (!quiet)
        {
            SummaryTable.Print(experiment, results);
        }

        Console.Error.WriteLine($"results: {Path.GetFullPath(directory)}");
        Console.Error.WriteLine($"report:  {Path.GetFullPath(report)}");
        return results.All(r => r.Replications.All(x => x.Conserved)) ? ExitCodes.Success : ExitCodes.RunFailed;
    }

    /// <summary>Replays the first point's first replication with a recorder and writes its timeline.</summary>
    private static void WriteTrace(string directory, Experiment experiment, PointResult first)
    {
        if (first.Point.Serving is not { } serving || first.Point.Lifecycle is not null)
        {
            Console.Error.WriteLine("trace: only serving experiments have a request timeline; none written");
            return;
        }

        var recorder = new ClusterSim.Core.Inference.ServingTraceRecorder();
        long seed = ClusterSim.Core.Engine.RandomStreams.ForReplication(experiment.Seed, 0);
        new ClusterSim.Core.Inference.ServingCluster(ExperimentRunner.Scenario(serving, first.ArrivalRate, seed) with { Observer = recorder }).Run();
        string file = Path.Combine(directory, "trace.json");
        AtomicFile.WriteText(file, PerfettoTrace.Json(recorder));
        Console.Error.WriteLine($"trace:   {Path.GetFullPath(file)} (open in ui.perfetto.dev)"
            + (recorder.Truncated ? $"; cut at the first {recorder.Limit:N0} iterations and requests" : string.Empty));
    }

    private static IReadOnlyList<PointResult> RunWithProgressBar(Experiment experiment, int workers, int total, CancellationToken cancel)
    {
        IReadOnlyList<PointResult> results = [];
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                ProgressTask task = context.AddTask($"{experiment.Name} ({total} runs)", maxValue: total);
                results = ExperimentRunner.Run(experiment, workers, new Progress<int>(done => task.Value = done), cancel);
                task.Value = total;
            });
        return results;
    }
}
