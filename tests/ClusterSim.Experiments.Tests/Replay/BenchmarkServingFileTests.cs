using ClusterSim.Core.Catalog;
using ClusterSim.Experiments.Replay;

namespace ClusterSim.Experiments.Tests.Replay;

public class BenchmarkServingFileTests
{
    private const string Poisson = """
        {"model_id": "meta-llama/Llama-3.1-8B-Instruct", "num_prompts": 400, "request_rate": 4.0, "burstiness": 1.0,
         "max_concurrency": null, "duration": 101.0, "completed": 400, "total_input_tokens": 409600, "total_output_tokens": 51200,
         "output_throughput": 506.9, "mean_ttft_ms": 45.0, "mean_tpot_ms": 8.0, "mean_itl_ms": 7.9, "mean_e2el_ms": 1060.0}
        """;

    private static readonly ServingSetup H100 = new() { Gpu = "H100", TensorParallel = 1, DType = "BF16" };

    [Fact]
    public void A_rate_limited_result_becomes_a_Poisson_run_with_its_means()
    {
        MeasuredRun run = BenchmarkServingFile.Parse(Poisson, "bench.json", H100);
        Assert.Equal("poisson", run.Arrival);
        Assert.Equal(4.0, run.Rate);
        Assert.Equal(400, run.Requests);
        Assert.Equal(1024, run.InputTokens);
        Assert.Equal(128, run.OutputTokens);
        Assert.Equal(8.0, run.ItlMs);
        Assert.Equal(1060, run.E2eMs);
        Assert.Null(run.TtftP99Ms);   // percentiles only where the benchmark reported them
    }

    [Fact]
    public void Failed_requests_and_the_release_are_carried_over()
    {
        string failing = Poisson.Replace("\"completed\": 400,", "\"completed\": 396, \"failed\": 4,", StringComparison.Ordinal);
        MeasuredRun run = BenchmarkServingFile.Parse(failing, "bench.json", H100 with { EngineVersion = "0.11.0" });

        Assert.Equal(4, run.FailedRequests);
        Assert.True(run.Saturated);   // failures mark an overloaded run, which a fit leaves out
        Assert.Equal("0.11.0", run.EngineVersion);
        Assert.Null(BenchmarkServingFile.Parse(Poisson, "bench.json", H100).FailedRequests);
    }

    [Fact]
    public void The_engine_given_for_a_result_picks_its_calibration()
    {
        MeasuredRun run = BenchmarkServingFile.Parse(Poisson, "bench.json", H100 with { Engine = "sglang" });
        var (cases, _) = ReplayCase.Build([run], SimCatalog.Default);
        Assert.Contains("SGLang", cases[0].CalibrationWarning, StringComparison.Ordinal);
    }

    [Fact]
    public void The_percentiles_a_result_reports_are_read_as_its_tails()
    {
        string withTails = Poisson.Replace("\"mean_e2el_ms\": 1060.0}", "\"mean_e2el_ms\": 1060.0, \"p99_ttft_ms\": 91.5, \"p90_ttft_ms\": 60.0, \"p99_e2el_ms\": 1210.0}", StringComparison.Ordinal);
        MeasuredRun run = BenchmarkServingFile.Parse(withTails, "bench.json", H100);
        Assert.Equal(91.5, run.TtftP99Ms);
        Assert.Equal(60.0, run.TtftP90Ms);
        Assert.Equal(1210.0, run.E2eP99Ms);
        Assert.Null(run.E2eP90Ms);

        var (cases, _) = ReplayCase.Build([run], SimCatalog.Default);
        var (_, simulated) = Assert.Single(ReplayRunner.Run(cases[0]));
        var outcome = new ReplayOutcome(cases[0], run, simulated);
        Assert.True(double.IsFinite(outcome.TtftP99Error) && double.IsFinite(outcome.E2eP99Error));
    }

    [Fact]
    public void Concurrency_and_offline_results_become_closed_loops()
    {
        string capped = Poisson.Replace("\"request_rate\": 4.0", "\"request_rate\": \"inf\"", StringComparison.Ordinal).Replace("\"max_concurrency\": null", "\"max_concurrency\": 16", StringComparison.Ordinal);
        MeasuredRun run = BenchmarkServingFile.Parse(capped, "bench.json", H100);
        Assert.Equal("concurrency", run.Arrival);
        Assert.Equal(16, run.Rate);

        var (cases, skipped) = ReplayCase.Build([run], SimCatalog.Default);
        Assert.Empty(skipped);
        Assert.Equal(ReplayArrival.ClosedLoop, cases[0].Arrival);
        Assert.Equal(16, cases[0].Concurrency);

        string offline = capped.Replace("\"max_concurrency\": 16", "\"max_concurrency\": null", StringComparison.Ordinal);
        Assert.Equal("offline", BenchmarkServingFile.Parse(offline, "bench.json", H100).Arrival);
    }

    [Fact]
    public void The_offloading_size_given_for_a_result_reaches_the_replicas_host_tier()
    {
        MeasuredRun run = BenchmarkServingFile.Parse(Poisson, "bench.json", H100 with { CpuKvOffloadGib = 40 });
        Assert.Equal(40, run.CpuKvOffloadGib);
        var (cases, _) = ReplayCase.Build([run], SimCatalog.Default);
        Assert.Equal(40 * 1073741824.0, cases[0].Scheduler.HostKvBytes);

        var (without, _) = ReplayCase.Build([BenchmarkServingFile.Parse(Poisson, "bench.json", H100)], SimCatalog.Default);
        Assert.Equal(0, without[0].Scheduler.HostKvBytes);
    }

    [Fact]
    public void A_replayed_Poisson_run_serves_every_request()
    {
        var (cases, _) = ReplayCase.Build([BenchmarkServingFile.Parse(Poisson, "bench.json", H100)], SimCatalog.Default);
        var (_, simulated) = Assert.Single(ReplayRunner.Run(cases[0]));
        Assert.Equal(400, simulated.Requests);
        // Memory-bound decode of 16 GB of BF16 weights on an H100: a handful of milliseconds per token.
        Assert.InRange(simulated.ItlMs, 5, 12);
    }

    [Fact]
    public void Without_the_accelerator_the_error_says_what_to_give()
    {
        var e = Assert.Throws<CatalogException>(() => BenchmarkServingFile.Parse(Poisson, "bench.json", new ServingSetup()));
        Assert.Contains("--gpu", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_field_of_the_wrong_type_is_named()
    {
        string bad = Poisson.Replace("\"mean_ttft_ms\": 45.0", "\"mean_ttft_ms\": \"fast\"", StringComparison.Ordinal);
        var e = Assert.Throws<CatalogException>(() => BenchmarkServingFile.Parse(bad, "bench.json", H100));
        Assert.Equal("bench.json:1: field 'mean_ttft_ms': expected a number, got \"fast\"", e.Message);
    }
}
