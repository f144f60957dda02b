using ClusterSim.Core.Catalog;
using ClusterSim.Core.Engine;
using ClusterSim.Experiments.Replay;
using ClusterSim.Tests;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>
/// Seeded mutations of what users hand to replay (a detailed results JSON, a printed summary, a measured-runs CSV (one with
/// length ranges too), a trtllm-bench report of 1.x or of 2024, an AIPerf export): each ends as replay cases (or runs skipped with their reason) or as a
/// <see cref="CatalogException"/> naming the file.
/// </summary>
public class MeasuredRunFuzzTests
{
    private static readonly ServingSetup H100 = new() { Gpu = "H100", Model = "meta-llama/Llama-3.1-8B-Instruct" };

    public static TheoryData<string> Inputs() => new() { "lambda.json", "printout.txt", "engines.csv", "trtllm-bench.log", "trtllm-bench-2024.log", "aiperf.json", "ranges.csv" };

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Mutated_measured_runs_are_replayable_or_refused_with_their_file(string name)
    {
        string published = Path.Combine(RepositoryRoot.Path, "data", "published");
        (string text, Func<string, IReadOnlyList<MeasuredRun>> parse) = name switch
        {
            "lambda.json" => (File.ReadAllText(Path.Combine(published, "lambda-vllm", "a100-80gb-mistral-7b-v0.3-tp1.json")), t => BenchmarkServingFile.ParseAll(t, name, H100 with { Gpu = "A100-80GB" })),
            "printout.txt" => (PrintedSummaries.VllmSweep, t => BenchmarkServingLog.Parse(t, name, H100)),
            "trtllm-bench.log" => (PrintedSummaries.TrtllmBenchThroughput, t => [TrtllmBenchReport.Parse(t, name, new ServingSetup())]),
            "trtllm-bench-2024.log" => (PrintedSummaries.TrtllmBench2024, t => [TrtllmBenchReport.Parse(t, name, new ServingSetup { Gpu = "H100" })]),
            "aiperf.json" => (PrintedSummaries.AiperfExport, t => BenchmarkServingFile.ParseAll(t, name, new ServingSetup())),
            "ranges.csv" => (string.Join('\n', File.ReadLines(Path.Combine(published, "inferencex-dsr1-runs.csv")).Take(9)), t => MeasuredRunFile.Parse(new StringReader(t), name)),
            _ => (File.ReadAllText(Path.Combine(published, "gpustack-engine-runs.csv")), (Func<string, IReadOnlyList<MeasuredRun>>)(t => MeasuredRunFile.Parse(new StringReader(t), name))),
        };
        RandomStream random = new RandomStreams(2028).For(name);
        int refused = 0, read = 0;
        for (int k = 0; k < 300; k++)
        {
            string mutated = TextMutator.Mutate(text, k, random);
            try
            {
                _ = ReplayCase.Build(parse(mutated), SimCatalog.Default);
                read++;
            }
            catch (CatalogException e)
            {
                Assert.StartsWith($"{name}:", e.Message, StringComparison.Ordinal);
                refused++;
            }
        }

        Assert.True(refused > 0 && read > 0, $"{refused} refused, {read} read");
    }
}
