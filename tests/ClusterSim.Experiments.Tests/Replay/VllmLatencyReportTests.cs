using System.Globalization;
using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;
using ClusterSim.Experiments.Replay;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>
/// vLLM's latency benchmark (<c>vllm bench latency</c>) read as a measured run: one batch of the size and lengths given
/// on the command line, all at once through the offline LLM class in process, its time scored as the output throughput it
/// implies.
/// </summary>
public class VllmLatencyReportTests
{
    /// <summary>A printout as the benchmark writes it.</summary>
    private const string Printout = """
        Profiling iterations: 100%|██████████| 30/30 [00:44<00:00,  1.48s/it]
        Avg latency: 1.475279240796808 seconds
        10% percentile latency: 1.4704144389019347 seconds
        50% percentile latency: 1.4726597834960558 seconds
        99% percentile latency: 1.5062954947334948 seconds
        """;

    private static readonly ServingSetup Setup = new() { Gpu = "H100", Model = "llama-3.1-8b", BatchSize = 8, InputLength = 256, OutputLength = 128 };

    [Fact]
    public void A_printout_is_one_batch_of_the_size_and_lengths_given()
    {
        Assert.True(VllmLatencyReport.Holds(Printout));
        MeasuredRun run = Assert.Single(VllmLatencyReport.Parse(Printout, "latency.log", Setup));
        Assert.Equal((8, 256.0, 128.0, 1.475279240796808), (run.Requests, run.InputTokens!.Value, run.OutputTokens!.Value, run.DurationSeconds!.Value));
        Assert.Equal(8 * 128 / 1.475279240796808, run.ThroughputTokensPerSecond!.Value, 9);
        Assert.Equal(("offline", true, VllmEntryPoint.OfflineLlm, "vllm"), (run.Arrival, run.InProcess, run.VllmEntry, run.Engine));
        Assert.Equal(("latency", 2), (run.Experiment, run.Line));

        IReadOnlyList<MeasuredRun> two = VllmLatencyReport.Parse(Printout + "\n" + Printout.Replace("Avg latency: 1.475", "Avg latency: 2.950", StringComparison.Ordinal), "sweep.log", Setup);
        Assert.Equal(["sweep#2", "sweep#7"], two.Select(r => r.Experiment));
    }

    [Fact]
    public void The_batch_must_be_given_and_the_json_reads_the_same()
    {
        CatalogException none = Assert.Throws<CatalogException>(() => VllmLatencyReport.Parse(Printout, "latency.log", Setup with { BatchSize = null }));
        Assert.Equal("latency.log:2: field 'Avg latency': vLLM's latency benchmark does not record the batch it timed: give it (--batch-size, --input-len, --output-len)", none.Message);
        Assert.Throws<CatalogException>(() => VllmLatencyReport.Parse("Avg latency: soon seconds\n", "bad.log", Setup));

        const string Json = """{ "avg_latency": 1.475279240796808, "latencies": [1.47, 1.48], "percentiles": { "10": 1.4704, "50": 1.4727, "99": 1.5063 } }""";
        MeasuredRun run = Assert.Single(BenchmarkServingFile.ParseAll(Json, "latency.json", Setup));
        Assert.Equal((8, 1.475279240796808), (run.Requests, run.DurationSeconds!.Value));
    }

    [Fact]
    public void A_printout_of_the_simulators_own_time_replays_to_it()
    {
        ReplayOutcome first = Assert.Single(ReplayReport.Run(VllmLatencyReport.Parse(Printout, "latency.log", Setup), SimCatalog.Default).Outcomes);
        Assert.Equal(ReplayArrival.AllAtOnce, first.Case.Arrival);
        double seconds = 8 * 128 / first.Simulated.OutputTokensPerSecond;
        string own = Printout.Replace("Avg latency: 1.475279240796808", string.Create(CultureInfo.InvariantCulture, $"Avg latency: {seconds:R}"), StringComparison.Ordinal);
        ReplayOutcome again = Assert.Single(ReplayReport.Run(VllmLatencyReport.Parse(own, "latency.log", Setup), SimCatalog.Default).Outcomes);
        Assert.InRange(again.ThroughputError, -1e-9, 1e-9);
    }
}
