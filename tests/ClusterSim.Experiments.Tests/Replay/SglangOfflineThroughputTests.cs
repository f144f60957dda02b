using System.Globalization;
using ClusterSim.Core.Catalog;
using ClusterSim.Experiments.Replay;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>
/// SGLang's offline throughput benchmark (<c>sglang.bench_offline_throughput</c>) read as a measured run: its printed
/// block or its <c>--result-filename</c> line, replayed all at once through an engine in process at the mean lengths of
/// its totals and scored on output throughput.
/// </summary>
public class SglangOfflineThroughputTests
{
    /// <summary>A printout as the benchmark writes it (1,000 requests, 1,024 and 256 tokens each on average).</summary>
    private const string Printout = """
        [2026-01-01 10:00:05] Benchmark...

        ====== Offline Throughput Benchmark Result =======
        Backend:                                 engine
        Successful requests:                     1000
        Benchmark duration (s):                  60.00
        Total input tokens:                      1024000
        Total generated tokens:                  256000
        Last generation throughput (tok/s):      120.00
        Request throughput (req/s):              16.67
        Input token throughput (tok/s):          17066.67
        Output token throughput (tok/s):         4266.67
        Total token throughput (tok/s):          21333.33
        ==================================================
        """;

    private static readonly ServingSetup Setup = new() { Gpu = "H100", Model = "llama-3.1-8b" };

    [Fact]
    public void A_printout_is_one_offline_run_in_process_at_its_mean_lengths()
    {
        MeasuredRun run = Assert.Single(SglangOfflineThroughput.Parse(Printout, "offline.log", Setup));
        Assert.Equal((1000, 1024.0, 256.0, 60.0, 4266.67), (run.Requests, run.InputTokens!.Value, run.OutputTokens!.Value, run.DurationSeconds!.Value, run.ThroughputTokensPerSecond!.Value));
        Assert.Equal(("offline", true, "sglang", "greedy"), (run.Arrival, run.InProcess, run.Engine, run.Sampling));
        Assert.Equal(("offline", 3), (run.Experiment, run.Line));

        IReadOnlyList<MeasuredRun> two = SglangOfflineThroughput.Parse(Printout + "\n" + Printout, "sweep.log", Setup);
        Assert.Equal(["sweep#3", "sweep#17"], two.Select(r => r.Experiment));
    }

    [Fact]
    public void A_result_line_reads_the_same_and_a_damaged_field_is_named()
    {
        const string Line = """{"backend": "engine", "successful_requests": 1000, "total_latency": 60.0, "total_input_tokens": 1024000, "total_output_tokens": 256000, "last_gen_throughput": 120.0, "request_throughput": 16.67, "input_throughput": 17066.67, "output_throughput": 4266.67, "total_throughput": 21333.33}""";
        MeasuredRun run = Assert.Single(BenchmarkServingFile.ParseAll(Line, "offline.jsonl", Setup));
        Assert.Equal((1000, 1024.0, 256.0, 4266.67), (run.Requests, run.InputTokens!.Value, run.OutputTokens!.Value, run.ThroughputTokensPerSecond!.Value));

        CatalogException bad = Assert.Throws<CatalogException>(() => BenchmarkServingFile.ParseAll(Line.Replace("\"total_latency\": 60.0", "\"total_latency\": \"soon\"", StringComparison.Ordinal), "offline.jsonl", Setup));
        Assert.StartsWith("offline.jsonl:1: field 'total_latency'", bad.Message, StringComparison.Ordinal);
        CatalogException cut = Assert.Throws<CatalogException>(() => SglangOfflineThroughput.Parse(Printout.Replace("Total generated tokens:                  256000", string.Empty, StringComparison.Ordinal), "cut.log", Setup));
        Assert.Contains("no 'Total generated tokens:' line", cut.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_printout_of_the_simulators_own_figure_replays_to_it()
    {
        ReplayOutcome first = Assert.Single(ReplayReport.Run(SglangOfflineThroughput.Parse(Printout, "offline.log", Setup), SimCatalog.Default).Outcomes);
        Assert.Equal(ReplayArrival.AllAtOnce, first.Case.Arrival);
        double simulated = first.Simulated.OutputTokensPerSecond;
        string own = Printout.Replace("4266.67", simulated.ToString("R", CultureInfo.InvariantCulture), StringComparison.Ordinal);
        ReplayOutcome again = Assert.Single(ReplayReport.Run(SglangOfflineThroughput.Parse(own, "offline.log", Setup), SimCatalog.Default).Outcomes);
        Assert.InRange(again.ThroughputError, -1e-9, 1e-9);
    }
}
