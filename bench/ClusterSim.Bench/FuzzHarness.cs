using System.Diagnostics;
using ClusterSim.Core.Catalog;
using ClusterSim.Core.Economics;
using ClusterSim.Core.Engine;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Replay;
using ClusterSim.Experiments.Running;
using ClusterSim.Tests;

namespace ClusterSim.Bench;

/// <summary>
/// The long fuzz run (the tests run a short one): a given number of seeded mutations of every shipped experiment
/// given to the loader, of every shipped catalog given to the catalog reader, and of every fuzz seed given to the loader and,
/// when accepted, run. Any exception other than a located problem (or an SLO no load meets) is printed with its input;
/// the slowest refusal and the slowest accepted run are reported.
/// </summary>
internal static class FuzzHarness
{
    public static int Run(string experiments, string seeds, int mutations, long seed)
    {
        int bugs = 0;
        var slowestRefusal = (Ms: 0.0, What: string.Empty);
        var slowestRun = (Ms: 0.0, What: string.Empty);
        int refused = 0, accepted = 0, ran = 0;
        var random = new RandomStreams(seed);

        void Report(string what, string input, Exception e)
        {
            bugs++;
            Console.WriteLine($"BUG {what}: {e.GetType().Name}: {e.Message}\n{e.StackTrace}\n{input}\n---");
        }

        foreach (string file in Directory.GetFiles(experiments, "*.yaml").Concat(Directory.GetFiles(seeds, "*.yaml")).Order(StringComparer.Ordinal))
        {
            bool runIt = file.StartsWith(seeds, StringComparison.Ordinal);
            string text = File.ReadAllText(file);
            RandomStream stream = random.For(file);
            for (int k = 0; k < mutations; k++)
            {
                string mutated = TextMutator.Mutate(text, k, stream);
                string what = $"{Path.GetFileName(file)} mutation {k}";
                var clock = Stopwatch.StartNew();
                Experiment experiment;
                try
                {
                    experiment = ExperimentLoader.Parse(mutated, file);
                    accepted++;
                }
                catch (ExperimentException)
                {
                    refused++;
                    if (clock.Elapsed.TotalMilliseconds > slowestRefusal.Ms)
                    {
                        slowestRefusal = (clock.Elapsed.TotalMilliseconds, what);
                    }

                    continue;
                }
                catch (Exception e)
                {
                    Report(what, mutated, e);
                    continue;
                }

                if (!runIt)
                {
                    continue;
                }

                clock.Restart();
                try
                {
                    ExperimentRunner.Run(experiment, new RunOptions { Workers = 1 });
                    ran++;
                }
                catch (AggregateException e) when (e.Flatten().InnerExceptions.All(x => x is UnmeetableSloException))
                {
                    ran++;
                }
                catch (Exception e)
                {
                    Report(what + " (run)", mutated, e);
                }

                if (clock.Elapsed.TotalMilliseconds > slowestRun.Ms)
                {
                    slowestRun = (clock.Elapsed.TotalMilliseconds, what);
                }
            }
        }

        int catalogs = 0;
        foreach (string name in new[] { "hardware.csv", "models.csv", "calibration.csv" })
        {
            string text = SimCatalog.ShippedText(name);
            RandomStream stream = random.For(name);
            for (int k = 0; k < mutations; k++)
            {
                string mutated = TextMutator.Mutate(text, k, stream);
                try
                {
                    CsvTable table = CsvTable.Parse(new StringReader(mutated), name);
                    _ = name switch
                    {
                        "hardware.csv" => (object)HardwareCatalog.Empty.With(table),
                        "models.csv" => ModelCatalog.Empty.With(table),
                        _ => CalibrationCatalog.Empty.With(table),
                    };
                }
                catch (CatalogException)
                {
                }
                catch (Exception e)
                {
                    Report($"{name} mutation {k}", mutated, e);
                }

                catalogs++;
            }
        }

        // Measured runs as users hand them to replay: a results JSON with each request's lengths, a printed summary, a
        // measured-runs CSV (and one with length ranges), published results (MLPerf, trtllm-bench tables, NIM), trtllm-bench's report (1.x's and 2024's) and an AIPerf export. Each is read and made a replay case, or refused with a located error.
        int measured = 0;
        var setup = new ServingSetup { Gpu = "H100", Model = "meta-llama/Llama-3.1-8B-Instruct" };
        string root = Path.GetDirectoryName(Path.GetFullPath(experiments))!;
        var inputs = new (string Name, string Text, Func<string, IReadOnlyList<MeasuredRun>> Read)[]
        {
            ("lambda.json", File.ReadAllText(Path.Combine(root, "data", "published", "lambda-vllm", "h100-sxm-mistral-7b-v0.3-tp1.json")), t => BenchmarkServingFile.ParseAll(t, "lambda.json", setup)),
            ("printout.txt", PrintedSummaries.VllmSweep, t => BenchmarkServingLog.Parse(t, "printout.txt", setup)),
            ("trtllm-bench.log", PrintedSummaries.TrtllmBenchThroughput, t => [TrtllmBenchReport.Parse(t, "trtllm-bench.log", new ServingSetup())]),
            ("trtllm-bench-2024.log", PrintedSummaries.TrtllmBench2024, t => [TrtllmBenchReport.Parse(t, "trtllm-bench-2024.log", new ServingSetup { Gpu = "H100" })]),
            ("aiperf.json", PrintedSummaries.AiperfExport, t => BenchmarkServingFile.ParseAll(t, "aiperf.json", new ServingSetup())),
            ("engines.csv", File.ReadAllText(Path.Combine(root, "data", "published", "gpustack-engine-runs.csv")), t => MeasuredRunFile.Parse(new StringReader(t), "engines.csv")),
            ("ranges.csv", string.Join('\n', File.ReadLines(Path.Combine(root, "data", "published", "inferencex-dsr1-runs.csv")).Take(9)), t => MeasuredRunFile.Parse(new StringReader(t), "ranges.csv")),
            ("published.csv", File.ReadAllText(Path.Combine(root, "data", "published", "inference-results-public.csv")), t => PublishedResultsFile.Parse(t, "published.csv", SimCatalog.Default, [])),
        };
        foreach (var (name, text, read) in inputs)
        {
            RandomStream stream = random.For(name);
            for (int k = 0; k < mutations; k++)
            {
                string mutated = TextMutator.Mutate(text, k, stream);
                try
                {
                    _ = ReplayCase.Build(read(mutated), SimCatalog.Default);
                }
                catch (CatalogException)
                {
                }
                catch (Exception e)
                {
                    Report($"{name} mutation {k}", mutated, e);
                }

                measured++;
            }
        }

        // A demand trace (requests per hour): read or refused with a located error, and a profile read answers for any time.
        string demand = File.ReadAllText(Path.Combine(root, "tests", "ClusterSim.Experiments.Tests", "Files", "FuzzSeeds", "demand.csv"));
        RandomStream demandStream = random.For("demand.csv");
        for (int k = 0; k < mutations; k++)
        {
            string mutated = TextMutator.Mutate(demand, k, demandStream);
            try
            {
                DemandProfile profile = DemandTraceFile.Parse(new StringReader(mutated), "demand.csv", 256);
                DemandCurve curve = DemandCurve.FromProfile(profile, null, 0.1).Validated();
                double day = demandStream.NextDouble() * 400;
                double[] figures = [curve.TokensPerSecond(day), curve.PeakTokensPerSecond(day, day + 0.01), curve.TokensBetween(day, day + 3), curve.UpperBoundTokensPerSecond(0, day)];
                if (figures.Any(f => !double.IsFinite(f) || f < 0))
                {
                    throw new InvalidOperationException($"demand figures {string.Join(", ", figures)} at day {day}");
                }
            }
            catch (CatalogException)
            {
            }
            catch (Exception e)
            {
                Report($"demand.csv mutation {k}", mutated, e);
            }

            catalogs++;
        }

        Console.WriteLine($"experiments: {refused} refused, {accepted} accepted, {ran} run; catalogs: {catalogs} read or refused; measured runs: {measured} read or refused; {bugs} bug(s)");
        Console.WriteLine($"slowest refusal {slowestRefusal.Ms:F0} ms ({slowestRefusal.What}); slowest accepted run {slowestRun.Ms:F0} ms ({slowestRun.What})");
        return bugs == 0 ? 0 : 1;
    }
}
