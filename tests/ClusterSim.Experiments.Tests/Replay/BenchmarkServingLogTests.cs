using ClusterSim.Core.Catalog;
using ClusterSim.Experiments.Replay;
using ClusterSim.Tests;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>The summary vLLM's and SGLang's serving benchmarks print, read as the runs their JSON results would give.</summary>
public class BenchmarkServingLogTests
{
    private const string VllmSweep = PrintedSummaries.VllmSweep;

    private static readonly ServingSetup H100 = new() { Gpu = "H100", Model = "meta-llama/Llama-3.1-8B-Instruct" };

    [Fact]
    public void Each_printed_block_is_a_run_with_the_traffic_printed_before_it()
    {
        var runs = BenchmarkServingLog.Parse(VllmSweep, "sweep.log", H100);

        Assert.Equal(2, runs.Count);
        MeasuredRun capped = runs[0], poisson = runs[1];
        Assert.Equal("sweep#6", capped.Experiment);   // named after the line its block opens on
        Assert.Equal("concurrency", capped.Arrival);
        Assert.Equal(32, capped.Rate);
        Assert.Equal(320, capped.Requests);
        Assert.Equal(1024, capped.InputTokens);   // 327,680 printed with a thousands separator
        Assert.Equal(128, capped.OutputTokens);
        Assert.Equal(279.56, capped.TtftMs);
        Assert.Equal(14.14, capped.ItlMs);
        Assert.Equal(999.46, capped.TtftP99Ms);
        Assert.Equal(199.88, capped.TtftP50Ms);   // "Median TTFT (ms)"
        Assert.Equal(271.49, capped.ThroughputTokensPerSecond);
        Assert.Equal(6, capped.Line);

        Assert.Equal("sweep#30", poisson.Experiment);
        Assert.Equal("poisson", poisson.Arrival);
        Assert.Equal(4.0, poisson.Rate);
        Assert.Equal(1060, poisson.E2eMs);
        Assert.Equal(91.5, poisson.TtftP99Ms);
    }

    [Fact]
    public void A_printout_reads_as_the_JSON_result_of_the_same_run()
    {
        const string json = """
            {"model_id": "meta-llama/Llama-3.1-8B-Instruct", "request_rate": 4.0, "burstiness": 1.0, "max_concurrency": null,
             "duration": 101.0, "completed": 400, "total_input_tokens": 409600, "total_output_tokens": 51200, "output_throughput": 506.93,
             "mean_ttft_ms": 45.0, "p99_ttft_ms": 91.5, "mean_tpot_ms": 8.0, "mean_itl_ms": 7.9, "mean_e2el_ms": 1060.0}
            """;
        MeasuredRun fromJson = BenchmarkServingFile.Parse(json, "sweep.json", H100);
        MeasuredRun printed = BenchmarkServingLog.Parse(VllmSweep, "sweep.log", H100)[1];

        Assert.Equal(fromJson with { Line = printed.Line, Experiment = printed.Experiment, PeerErrors = printed.PeerErrors }, printed);
    }

    [Fact]
    public void An_SGLang_printout_runs_on_SGLang_with_its_own_labels()
    {
        const string sglang = """
            ============ Serving Benchmark Result ============
            Backend:                                 sglang
            Traffic request rate:                    8.0
            Max request concurrency:                 not set
            Successful requests:                     400
            Benchmark duration (s):                  51.20
            Total input tokens:                      409600
            Total generated tokens:                  51200
            Total generated tokens (retokenized):    51190
            Output token throughput (tok/s):         1000.00
            ----------------End-to-End Latency----------------
            Mean E2E Latency (ms):                   1020.00
            P99 E2E Latency (ms):                    1300.00
            ---------------Time to First Token----------------
            Mean TTFT (ms):                          40.00
            P99 TTFT (ms):                           90.00
            Mean TPOT (ms):                          7.70
            ---------------Inter-Token Latency----------------
            Mean ITL (ms):                           7.70
            ==================================================
            """;
        MeasuredRun run = Assert.Single(BenchmarkServingLog.Parse(sglang, "sglang.txt", H100));   // "not set": no cap

        Assert.Equal("sglang", run.Engine);
        Assert.Equal("poisson", run.Arrival);
        Assert.Equal(1020, run.E2eMs);
        Assert.Equal(1300, run.E2eP99Ms);
        Assert.Equal("sglang", run.Experiment);

        Assert.Null(run.ConcurrencyCap);
        var e = Assert.Throws<CatalogException>(() => BenchmarkServingLog.Parse(sglang.Replace("not set", "many", StringComparison.Ordinal), "sglang.txt", H100));
        Assert.Equal("sglang.txt:4: field 'max_concurrency': 'Max request concurrency': expected a number, got 'many'", e.Message);
        var trace = Assert.Throws<CatalogException>(() => BenchmarkServingLog.Parse(sglang.Replace("8.0", "trace", StringComparison.Ordinal), "sglang.txt", H100));
        Assert.Contains("a trace's timestamps", trace.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_printout_without_the_model_a_mean_or_any_block_says_what_is_missing()
    {
        var noModel = Assert.Throws<CatalogException>(() => BenchmarkServingLog.Parse(VllmSweep, "sweep.log", H100 with { Model = null }));
        Assert.Equal("sweep.log:6: a printed benchmark result does not name the model: give it (--model)", noModel.Message);

        string noTpot = VllmSweep.Replace("Mean TPOT (ms):                          14.14\n", string.Empty, StringComparison.Ordinal);
        var missing = Assert.Throws<CatalogException>(() => BenchmarkServingLog.Parse(noTpot, "sweep.log", H100));
        Assert.Equal("sweep.log:6: the result block has no 'Mean TPOT (ms):' line (expected the benchmark's full summary)", missing.Message);

        string overflowing = VllmSweep.Replace("Mean TTFT (ms):                          279.56", "Mean TTFT (ms):                          1e400", StringComparison.Ordinal);
        var huge = Assert.Throws<CatalogException>(() => BenchmarkServingLog.Parse(overflowing, "sweep.log", H100));
        Assert.Equal("sweep.log:15: field 'mean_ttft_ms': 'Mean TTFT (ms)': expected a number, got '1e400'", huge.Message);   // beyond a double: found by fuzzing

        var none = Assert.Throws<CatalogException>(() => BenchmarkServingLog.Parse("Throughput: 3.2 requests/s\n", "other.log", H100));
        Assert.Contains("no printed benchmark result", none.Message, StringComparison.Ordinal);
        Assert.False(BenchmarkServingLog.Holds("exp_id,stage,model,gpu\n"));
    }

    [Fact]
    public void A_printed_run_replays()
    {
        var (cases, skipped) = ReplayCase.Build(BenchmarkServingLog.Parse(VllmSweep, "sweep.log", H100), SimCatalog.Default);
        Assert.Empty(skipped);
        Assert.Equal(ReplayArrival.ClosedLoop, cases[0].Arrival);
        var (_, simulated) = Assert.Single(ReplayRunner.Run(cases[1]));
        Assert.Equal(400, simulated.Requests);
    }

    [Fact]
    public void A_rate_with_a_concurrency_cap_is_replayed_with_the_clients_cap()
    {
        const string capped = """
            ============ Serving Benchmark Result ============
            Backend:                                 sglang-oai-chat
            Traffic request rate:                    20.0
            Max request concurrency:                 20
            Successful requests:                     100
            Benchmark duration (s):                  10.00
            Total input tokens:                      50000
            Total generated tokens:                  25000
            Mean TTFT (ms):                          40.00
            Mean TPOT (ms):                          8.00
            ==================================================
            """;
        MeasuredRun run = Assert.Single(BenchmarkServingLog.Parse(capped, "capped.txt", H100));
        Assert.Equal(("poisson", 20.0, 20.0), (run.Arrival, run.Rate, run.ConcurrencyCap));

        var (cases, _) = ReplayCase.Build([run], SimCatalog.Default);
        Assert.Equal(20, cases[0].ClientConcurrencyCap);
        Assert.Equal(100, Assert.Single(ReplayRunner.Run(cases[0])).Simulated.Requests);
        Assert.Null(BenchmarkServingLog.Parse(VllmSweep, "sweep.log", H100)[1].ConcurrencyCap);   // None printed: no cap
    }
}
