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
        string withTails = Poisson.Replace("\"mean_e2el_ms\": 1060.0}", "\"mean_e2el_ms\": 1060.0, \"p99_ttft_ms\": 91.5, \"p90_ttft_ms\": 60.0, \"p99_e2el_ms\": 1210.0, \"median_tpot_ms\": 7.9, \"p99_tpot_ms\": 9.4}", StringComparison.Ordinal);
        MeasuredRun run = BenchmarkServingFile.Parse(withTails, "bench.json", H100);
        Assert.Equal(91.5, run.TtftP99Ms);
        Assert.Equal(60.0, run.TtftP90Ms);
        Assert.Equal(1210.0, run.E2eP99Ms);
        Assert.Null(run.E2eP90Ms);
        Assert.Equal((7.9, 9.4), (run.TpotP50Ms!.Value, run.TpotP99Ms!.Value));
        Assert.Null(run.TpotP90Ms);

        var (cases, _) = ReplayCase.Build([run], SimCatalog.Default);
        var (_, simulated) = Assert.Single(ReplayRunner.Run(cases[0]));
        var outcome = new ReplayOutcome(cases[0], run, simulated);
        Assert.True(double.IsFinite(outcome.TtftP99Error) && double.IsFinite(outcome.E2eP99Error));
        Assert.True(double.IsFinite(outcome.TpotP50Error) && double.IsFinite(outcome.TpotP99Error));
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

    /// <summary>One line of SGLang's <c>bench_serving --output-file</c>: its own name for the mean E2E, no model, and a request rate Python writes as a bare Infinity when the client sends everything at once.</summary>
    private const string SglangLine =
        """{"backend": "sglang", "dataset_name": "random", "request_rate": 8.0, "max_concurrency": null, "random_input_len": 1024, "random_output_len": 128, "duration": 51.2, "completed": 400, "total_input_tokens": 409600, "total_output_tokens": 51200, "output_throughput": 1000.0, "mean_e2e_latency_ms": 1020.0, "p99_e2e_latency_ms": 1300.0, "mean_ttft_ms": 40.0, "p99_ttft_ms": 90.0, "mean_tpot_ms": 7.7, "mean_itl_ms": 7.7, "concurrency": 8.1}""";

    [Fact]
    public void An_SGLang_result_reads_its_own_field_names_and_runs_on_SGLang()
    {
        MeasuredRun run = BenchmarkServingFile.Parse(SglangLine, "sglang.jsonl", H100 with { Model = "meta-llama/Llama-3.1-8B-Instruct" });

        Assert.Equal("sglang", run.Engine);   // from the result's backend
        Assert.Equal("meta-llama/Llama-3.1-8B-Instruct", run.Model);
        Assert.Equal(1020, run.E2eMs);
        Assert.Equal(1300, run.E2eP99Ms);
        Assert.Equal(90, run.TtftP99Ms);
        Assert.Equal(("poisson", 8.0), (run.Arrival, run.Rate));
        Assert.Equal("greedy", run.Sampling);   // SGLang's client sends temperature 0
        Assert.Equal("measured (SGLang benchmark)", run.OutputSource);

        var (cases, skipped) = ReplayCase.Build([run], SimCatalog.Default);
        Assert.Empty(skipped);
        Assert.Equal(Core.Performance.ServingEngine.Sglang, cases[0].Deployment.Engine);

        // SGLang's own limits on an H100 where the launch left them unset: an 8,192-token chunk, 0.835 of memory for weights
        // and KV, the request pool's 2,048 running requests; said in the row's note. Limits given on the command line win.
        Assert.Equal((8192, 2048), (cases[0].Scheduler.MaxBatchedTokens, cases[0].Scheduler.MaxSequences));
        Assert.Equal(0.165, cases[0].Deployment.MemoryReserve, 9);
        Assert.Contains(cases[0].Corrections, c => c.Contains("SGLang's defaults on H100-SXM: chunked prefill 8,192 tokens, mem_fraction_static 0.835, up to 2,048 running requests", StringComparison.Ordinal));
        MeasuredRun given = BenchmarkServingFile.Parse(SglangLine, "sglang.jsonl", H100 with { Model = "llama-3.1-8b", MaxSequences = 256, MaxBatchedTokens = 4096, GpuMemoryUtilization = 0.9 });
        var (launched, _) = ReplayCase.Build([given], SimCatalog.Default);
        Assert.Equal((4096, 256), (launched[0].Scheduler.MaxBatchedTokens, launched[0].Scheduler.MaxSequences));
        Assert.Equal(0.1, launched[0].Deployment.MemoryReserve, 9);
        Assert.DoesNotContain(launched[0].Corrections, c => c.Contains("SGLang's defaults", StringComparison.Ordinal));
    }

    [Fact]
    public void An_SGLang_result_needs_the_model_and_a_backend_it_can_name()
    {
        var noModel = Assert.Throws<CatalogException>(() => BenchmarkServingFile.Parse(SglangLine, "sglang.jsonl", H100));
        Assert.Contains("does not record the model: give it (--model)", noModel.Message, StringComparison.Ordinal);

        string lmdeploy = SglangLine.Replace("\"backend\": \"sglang\"", "\"backend\": \"lmdeploy\"", StringComparison.Ordinal);
        var unknown = Assert.Throws<CatalogException>(() => BenchmarkServingFile.Parse(lmdeploy, "sglang.jsonl", H100 with { Model = "llama-3.1-8b" }));
        Assert.Contains("field 'backend': 'lmdeploy' is not an engine ClusterSim models", unknown.Message, StringComparison.Ordinal);
        Assert.Equal("vllm", BenchmarkServingFile.Parse(lmdeploy, "sglang.jsonl", H100 with { Model = "llama-3.1-8b", Engine = "vllm" }).Engine);
    }

    [Fact]
    public void A_file_of_results_one_a_line_gives_a_run_a_line_named_after_it()
    {
        string offline = SglangLine.Replace("\"request_rate\": 8.0", "\"request_rate\": Infinity", StringComparison.Ordinal)
            .Replace("\"max_concurrency\": null", "\"max_concurrency\": 32", StringComparison.Ordinal);
        IReadOnlyList<MeasuredRun> runs = BenchmarkServingFile.ParseAll(SglangLine + "\n\n" + offline + "\n", "sweep.jsonl", H100 with { Model = "llama-3.1-8b" });

        Assert.Equal(["sweep#1", "sweep#3"], runs.Select(r => r.Experiment));
        Assert.Equal([1, 3], runs.Select(r => r.Line));
        Assert.Equal(("concurrency", 32.0), (runs[1].Arrival, runs[1].Rate));   // Infinity read as no rate
        Assert.Single(BenchmarkServingFile.ParseAll(Poisson, "bench.json", H100));   // one object, even over several lines
    }

    [Fact]
    public void A_bad_line_of_a_results_file_is_named_by_its_line()
    {
        string text = SglangLine + "\n" + SglangLine.Replace("\"mean_ttft_ms\": 40.0", "\"mean_ttft_ms\": \"fast\"", StringComparison.Ordinal);
        var e = Assert.Throws<CatalogException>(() => BenchmarkServingFile.ParseAll(text, "sweep.jsonl", H100 with { Model = "llama-3.1-8b" }));
        Assert.Equal("sweep.jsonl:2: field 'mean_ttft_ms': expected a number, got \"fast\"", e.Message);

        var broken = Assert.Throws<CatalogException>(() => BenchmarkServingFile.ParseAll(SglangLine + "\n{\"completed\": ", "sweep.jsonl", H100 with { Model = "llama-3.1-8b" }));
        Assert.StartsWith("sweep.jsonl:2: not valid JSON", broken.Message, StringComparison.Ordinal);

        var empty = Assert.Throws<CatalogException>(() => BenchmarkServingFile.ParseAll("\n \n", "sweep.jsonl", H100));
        Assert.Equal("sweep.jsonl:1: the file is empty: expected a benchmark result (a JSON object, or one a line)", empty.Message);
    }

    [Fact]
    public void Without_the_accelerator_the_error_says_what_to_give()
    {
        var e = Assert.Throws<CatalogException>(() => BenchmarkServingFile.Parse(Poisson, "bench.json", new ServingSetup()));
        Assert.Contains("--gpu", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_harness_that_records_the_servers_accelerators_is_read_without_the_command_lines()
    {
        // The IOG Foundation's harness adds gpu_name (the driver's name, dashes for spaces) and gpu_count (a string) to
        // vLLM's result; more than one is the tensor-parallel size its server was launched with, and the row says so.
        string recorded = Poisson.Replace("\"num_prompts\": 400,", "\"num_prompts\": 400, \"gpu_name\": \"NVIDIA-GeForce-RTX-4090\", \"gpu_count\": \"2\",", StringComparison.Ordinal);
        MeasuredRun run = BenchmarkServingFile.Parse(recorded, "bench.json", new ServingSetup());
        Assert.Equal(("NVIDIA GeForce RTX 4090", 2), (run.Gpu, run.TensorParallel));
        Assert.Contains("the result's gpu_count (2) taken as the tensor-parallel size", run.Notes, StringComparison.Ordinal);
        Assert.True(SimCatalog.Default.Hardware.TryResolve(run.Gpu, out AcceleratorSpec card) && card.Id == "RTX-4090");

        // What the command line gives wins; one accelerator leaves the size alone; a count that is not one is named.
        Assert.Equal(("H100", 1), (BenchmarkServingFile.Parse(recorded, "bench.json", H100).Gpu, BenchmarkServingFile.Parse(recorded, "bench.json", H100).TensorParallel));
        Assert.Equal(1, BenchmarkServingFile.Parse(recorded.Replace("\"gpu_count\": \"2\"", "\"gpu_count\": 1", StringComparison.Ordinal), "bench.json", new ServingSetup()).TensorParallel);
        var e = Assert.Throws<CatalogException>(() => BenchmarkServingFile.Parse(recorded.Replace("\"gpu_count\": \"2\"", "\"gpu_count\": \"two\"", StringComparison.Ordinal), "bench.json", new ServingSetup()));
        Assert.Equal("bench.json:1: field 'gpu_count': expected a whole number of accelerators, at least 1", e.Message);
    }

    [Fact]
    public void A_field_of_the_wrong_type_is_named()
    {
        string bad = Poisson.Replace("\"mean_ttft_ms\": 45.0", "\"mean_ttft_ms\": \"fast\"", StringComparison.Ordinal);
        var e = Assert.Throws<CatalogException>(() => BenchmarkServingFile.Parse(bad, "bench.json", H100));
        Assert.Equal("bench.json:1: field 'mean_ttft_ms': expected a number, got \"fast\"", e.Message);
    }

    /// <summary>
    /// A detailed result of ten requests sent at once (vLLM's <c>--save-detailed</c>, SGLang's <c>--output-details</c>):
    /// nine short answers and one of 1,000 tokens, whose mean (109 tokens) hides that the run lasts as long as the long one.
    /// </summary>
    private const string Detailed = """
        {"model_id": "meta-llama/Llama-3.1-8B-Instruct", "num_prompts": 11, "request_rate": "inf", "max_concurrency": null,
         "duration": 6.0, "completed": 10, "failed": 1, "total_input_tokens": 5000, "total_output_tokens": 1090,
         "mean_ttft_ms": 30.0, "mean_tpot_ms": 6.0, "mean_e2el_ms": 700.0,
         "input_lens": [500, 500, 500, 500, 500, 500, 500, 500, 500, 900, 500],
         "output_lens": [10, 10, 10, 10, 10, 10, 10, 10, 10, 0, 1000],
         "errors": ["", "", "", "", "", "", "", "", "", "Bad Request", ""]}
        """;

    [Fact]
    public void Each_request_of_a_detailed_result_keeps_its_own_lengths_less_the_failed()
    {
        MeasuredRun run = BenchmarkServingFile.Parse(Detailed, "detailed.json", H100);

        var recorded = Assert.IsType<RequestLengths.Recorded>(run.Lengths);
        Assert.Equal([500, 500, 500, 500, 500, 500, 500, 500, 500, 500], recorded.Prompts);
        Assert.Equal([10, 10, 10, 10, 10, 10, 10, 10, 10, 1000], recorded.Outputs);
        Assert.Equal("each request's own lengths: 10 requests, prompts 500–500 and outputs 10–1000 tokens", run.Lengths.Note);
        Assert.Null(BenchmarkServingFile.Parse(Poisson, "bench.json", H100).Lengths);   // totals only: the means
    }

    [Fact]
    public void A_run_of_recorded_lengths_lasts_as_long_as_its_longest_request()
    {
        MeasuredRun detailed = BenchmarkServingFile.Parse(Detailed, "detailed.json", H100);
        MeasuredRun means = detailed with { Lengths = null };

        SimulatedStage Replay(MeasuredRun run)
        {
            var (cases, skipped) = ReplayCase.Build([run], SimCatalog.Default);
            Assert.Empty(skipped);
            return Assert.Single(ReplayRunner.Run(cases[0])).Simulated;
        }

        SimulatedStage own = Replay(detailed), averaged = Replay(means);
        Assert.Equal(10, own.Requests);
        // The mean latency barely moves (it is linear in the tokens each request waits for); the run's length does.
        Assert.InRange(own.E2eMs / averaged.E2eMs, 0.85, 1.15);
        // Ten requests of 109 tokens finish together in ~109 steps; with the recorded lengths one request runs ~1,000
        // steps, mostly alone: the same tokens take several times as long.
        Assert.InRange(averaged.OutputTokensPerSecond / own.OutputTokensPerSecond, 5, 12);
        // Each request's gap is a decode step of an 8B model on an H100 whichever way it is scored.
        Assert.InRange(own.ItlMs, 4, 10);
    }

    [Fact]
    public void Length_lists_that_do_not_pair_up_or_hold_no_counts_are_named()
    {
        string shortList = Detailed.Replace("\"output_lens\": [10, ", "\"output_lens\": [", StringComparison.Ordinal);
        var unpaired = Assert.Throws<CatalogException>(() => BenchmarkServingFile.Parse(shortList, "detailed.json", H100));
        Assert.Equal("detailed.json:1: field 'output_lens': lists 10 requests where input_lens lists 11: expected one length each", unpaired.Message);

        string negative = Detailed.Replace("\"input_lens\": [500, 500,", "\"input_lens\": [500, -3,", StringComparison.Ordinal);
        var bad = Assert.Throws<CatalogException>(() => BenchmarkServingFile.Parse(negative, "detailed.json", H100));
        Assert.Equal("detailed.json:1: field 'input_lens': item 2: expected a whole number of tokens >= 0, got -3", bad.Message);
    }

    [Fact]
    public void A_result_without_mean_E2E_takes_it_and_the_tails_from_each_requests_latencies()
    {
        // Three requests (the second failed): TTFT 0.1 and 0.3 s, gaps summing to 0.5 and 1.0 s. E2E 0.6 and 1.3 s, their
        // mean 950 ms; numpy's p90 of {100, 300} ms is 100 + 0.9 × 200 = 280 ms.
        const string json = """
            {"model_id": "meta-llama/Llama-3.1-8B-Instruct", "request_rate": "inf", "completed": 2, "total_input_tokens": 200,
             "total_output_tokens": 8, "mean_ttft_ms": 200.0, "mean_tpot_ms": 300.0, "p99_ttft_ms": 299.0,
             "input_lens": [100, 50, 100], "output_lens": [3, 0, 5], "errors": ["", "timeout", ""],
             "ttfts": [0.1, 0.0, 0.3], "itls": [[0.25, 0.25], [], [0.25, 0.25, 0.25, 0.25]]}
            """;
        MeasuredRun run = BenchmarkServingFile.Parse(json, "detailed.json", H100);

        Assert.Equal(950, run.E2eMs!.Value, 9);
        Assert.Equal(280, run.TtftP90Ms!.Value, 9);
        Assert.Equal(299.0, run.TtftP99Ms);   // a percentile the result reports wins
        Assert.Equal(600 + (0.9 * 700), run.E2eP90Ms!.Value, 9);
        Assert.Equal("E2E from each request's TTFT and token gaps (ttfts, itls)", run.Notes);

        string unpaired = json.Replace("[[0.25, 0.25], [], ", "[[0.25, 0.25], ", StringComparison.Ordinal);
        var e = Assert.Throws<CatalogException>(() => BenchmarkServingFile.Parse(unpaired, "detailed.json", H100));
        Assert.Equal("detailed.json:1: field 'itls': lists 2 requests where ttfts lists 3: expected one list of gaps each", e.Message);
    }

    [Fact]
    public void An_SGLang_random_dataset_result_draws_lengths_from_the_ranges_its_client_drew_them_from()
    {
        // random_range_ratio 0.5: prompts uniform on 512–1024 (mean 768), outputs on 64–128 (mean 96), as measured.
        string ranged = SglangLine
            .Replace("\"random_output_len\": 128,", "\"random_output_len\": 128, \"random_range_ratio\": 0.5,", StringComparison.Ordinal)
            .Replace("\"total_input_tokens\": 409600, \"total_output_tokens\": 51200", "\"total_input_tokens\": 307200, \"total_output_tokens\": 38400", StringComparison.Ordinal);
        MeasuredRun run = BenchmarkServingFile.Parse(ranged, "sglang.jsonl", H100 with { Model = "llama-3.1-8b" });

        Assert.Equal(new RequestLengths.Uniform((512, 1024), (64, 128)), run.Lengths);
        var (cases, _) = ReplayCase.Build([run], SimCatalog.Default);
        Assert.Equal("lengths drawn as the client drew them: prompts uniform on 512–1024, outputs on 64–128 tokens", cases[0].Lengths?.Note);
        var (_, simulated) = Assert.Single(ReplayRunner.Run(cases[0]));
        Assert.Equal(400, simulated.Requests);

        // Without the ratio, or with means the ranges do not explain (a chat template added to every prompt), the means.
        Assert.Null(BenchmarkServingFile.Parse(SglangLine, "sglang.jsonl", H100 with { Model = "llama-3.1-8b" }).Lengths);
        string templated = ranged.Replace("\"total_input_tokens\": 307200", "\"total_input_tokens\": 400000", StringComparison.Ordinal);
        Assert.Null(BenchmarkServingFile.Parse(templated, "sglang.jsonl", H100 with { Model = "llama-3.1-8b" }).Lengths);
    }
}
