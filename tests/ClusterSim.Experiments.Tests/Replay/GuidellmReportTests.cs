using System.Text.Json.Nodes;
using ClusterSim.Core.Catalog;
using ClusterSim.Experiments.Replay;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>
/// GuideLLM's report (vllm-project/guidellm's <c>benchmarks.json</c>) read as measured runs: one a benchmark of its sweep,
/// the strategy as the traffic, the successful requests' distributions as the measured figures.
/// </summary>
public class GuidellmReportTests
{
    /// <summary>One benchmark's metrics as the client writes them: each a distribution over the successful requests.</summary>
    private static string Metrics(int completed, double latencyS, double ttftMs, double itlMs, double outputTokensPerSecond, int incomplete = 0) => $$"""
        {
          "request_totals": {"successful": {{completed}}, "incomplete": {{incomplete}}, "errored": 0, "total": {{completed + incomplete}} },
          "request_latency": {"successful": {"mean": {{latencyS}}, "median": {{latencyS}}, "count": {{completed}}, "percentiles": {"p50": {{latencyS}}, "p90": {{latencyS * 1.1}}, "p99": {{latencyS * 1.2}} } } },
          "prompt_token_count": {"successful": {"mean": 512, "median": 512, "count": {{completed}}, "percentiles": {"p50": 512, "p90": 512, "p99": 512} } },
          "output_token_count": {"successful": {"mean": 128, "median": 128, "count": {{completed}}, "percentiles": {"p50": 128, "p90": 128, "p99": 128} } },
          "time_to_first_token_ms": {"successful": {"mean": {{ttftMs}}, "median": {{ttftMs * 0.9}}, "count": {{completed}}, "percentiles": {"p50": {{ttftMs * 0.9}}, "p90": {{ttftMs * 1.5}}, "p99": {{ttftMs * 2}} } } },
          "time_per_output_token_ms": {"successful": {"mean": 99.0, "median": 99.0, "count": {{completed * 128}}, "percentiles": {"p50": 99.0, "p90": 99.0, "p99": 99.0} } },
          "inter_token_latency_ms": {"successful": {"mean": {{itlMs}}, "median": {{itlMs}}, "count": {{completed * 127}}, "percentiles": {"p50": {{itlMs}}, "p90": {{itlMs}}, "p99": {{itlMs}} } } },
          "output_tokens_per_second": {"successful": {"mean": {{outputTokensPerSecond}}, "median": {{outputTokensPerSecond}}, "count": 1, "percentiles": {"p50": 1, "p90": 1, "p99": 1} } }
        }
        """;

    private static string Benchmark(string strategy, string metrics, double duration = 60) => $$"""
        {
          "type_": "generative_benchmark",
          "config": {"id_": "b", "run_id": "r", "run_index": 0, "strategy": {{strategy}},
                     "backend": {"kind": "openai_http", "target": "http://localhost:8000", "model": "meta-llama/Llama-3.1-8B-Instruct", "timeout": null} },
          "duration": {{duration}},
          "metrics": {{metrics}}
        }
        """;

    /// <summary>A sweep as GuideLLM 0.7 writes it (one line of JSON in the client's output; indented here).</summary>
    internal static readonly string Report = $$"""
        {
          "metadata": {"version": 2, "guidellm_version": "0.7.3", "python_version": "3.12.3", "platform": "Linux"},
          "benchmarks": [
            {{Benchmark("""{"type_": "synchronous"}""", Metrics(40, 1.21, 25.1, 9.3, 105.4, incomplete: 1))}},
            {{Benchmark("""{"type_": "concurrent", "streams": 8}""", Metrics(300, 1.5, 40, 11, 800))}},
            {{Benchmark("""{"type_": "throughput", "max_concurrency": null}""", Metrics(900, 6.0, 2500, 20, 6000))}},
            {{Benchmark("""{"type_": "constant", "rate": 4.0, "max_concurrency": 32}""", Metrics(238, 1.45, 38, 11.1, 505.2))}},
            {{Benchmark("""{"type_": "poisson", "rate": 2.5, "max_concurrency": 16, "random_seed": 42}""", Metrics(150, 1.3, 33, 10.2, 320))}}
          ]
        }
        """;

    private static IReadOnlyList<MeasuredRun> Read(string json, ServingSetup? setup = null) =>
        BenchmarkServingFile.ParseAll(json, "benchmarks.json", setup ?? new ServingSetup { Gpu = "H100" });

    private static string Edited(Action<JsonObject> change)
    {
        JsonObject root = JsonNode.Parse(Report)!.AsObject();
        change(root);
        return root.ToJsonString();
    }

    [Fact]
    public void Each_benchmark_of_a_sweep_is_a_run_its_strategy_the_traffic()
    {
        IReadOnlyList<MeasuredRun> runs = Read(Report);
        Assert.Equal(
            ["benchmarks#1-synchronous", "benchmarks#2-concurrent@8", "benchmarks#3-throughput@unlimited", "benchmarks#4-constant@4", "benchmarks#5-poisson@2.5"],
            runs.Select(r => r.Experiment));
        Assert.All(runs, r => Assert.Equal(("meta-llama/Llama-3.1-8B-Instruct", "H100", "all"), (r.Model, r.Gpu, r.Stage)));

        Assert.Equal(("concurrency", 1.0, 40), (runs[0].Arrival, runs[0].Rate!.Value, runs[0].Requests!.Value));
        Assert.Equal(("concurrency", 8.0, 300), (runs[1].Arrival, runs[1].Rate!.Value, runs[1].Requests!.Value));
        // No cap set: as many in flight as 0.7's client allows (10,240), here every request the benchmark measured.
        Assert.Equal(("concurrency", 900.0), (runs[2].Arrival, runs[2].Rate!.Value));
        Assert.Contains("as many requests in flight as the client allows (10,240)", runs[2].Notes, StringComparison.Ordinal);
        // An even pace replays as a stage of its rate, as long as sending the measured requests took.
        Assert.Equal(("constant", 4.0, 238 / 4.0, 32.0), (runs[3].Arrival, runs[3].Rate!.Value, runs[3].DurationSeconds!.Value, runs[3].ConcurrencyCap!.Value));
        Assert.Equal(("poisson", 2.5, 1.0, 16.0), (runs[4].Arrival, runs[4].Rate!.Value, runs[4].Burstiness!.Value, runs[4].ConcurrencyCap!.Value));
        Assert.Null(runs[4].ClientTimeoutSeconds);   // 0.7's client sets none unless the backend does
    }

    [Fact]
    public void The_successful_requests_distributions_are_the_measured_figures()
    {
        MeasuredRun run = Read(Report)[0];
        Assert.Equal((512.0, 128.0), (run.InputTokens!.Value, run.OutputTokens!.Value));
        Assert.Equal(1210, run.E2eMs!.Value, 9);   // seconds in the report
        Assert.Equal(1210 * 1.1, run.E2eP90Ms!.Value, 9);
        Assert.Equal(1210 * 1.2, run.E2eP99Ms!.Value, 9);
        Assert.Equal((25.1, 25.1 * 0.9, 25.1 * 1.5, 25.1 * 2), (run.TtftMs!.Value, run.TtftP50Ms!.Value, run.TtftP90Ms!.Value, run.TtftP99Ms!.Value));
        // The gap between tokens, weighted by gaps as the simulation scores it; not its TPOT, which spreads the first token's wait.
        Assert.Equal(9.3, run.ItlMs!.Value);
        Assert.Equal(105.4, run.ThroughputTokensPerSecond!.Value);
        Assert.Equal("measured (GuideLLM)", run.OutputSource);
        Assert.Contains("1 incomplete and 0 errored requests left out of its figures", run.Notes, StringComparison.Ordinal);
        Assert.Contains("replayed at the measured mean lengths", run.Notes, StringComparison.Ordinal);
    }

    [Fact]
    public void A_report_before_0_5_names_its_strategy_and_model_elsewhere_and_lists_requests_to_replay_in_start_order()
    {
        // 0.3's layout: args.strategy, worker.backend_model, request_totals beside the metrics, requests with their start.
        string old = $$"""
            {"benchmarks": [{
              "type_": "generative_benchmark",
              "args": {"strategy": {"type_": "throughput", "max_concurrency": null}, "max_number": 3},
              "worker": {"type_": "generative_requests_worker", "backend_type": "openai_http", "backend_model": "Qwen/Qwen3-8B"},
              "request_totals": {"successful": 3, "incomplete": 0, "errored": 0, "total": 3},
              "duration": 5.0,
              "metrics": {{Metrics(3, 2.0, 100, 12, 90)}},
              "requests": {"successful": [
                {"type_": "generative_text_response", "prompt_tokens": 300, "output_tokens": 40, "start_time": 1700000002.0},
                {"type_": "generative_text_response", "prompt_tokens": 100, "output_tokens": 20, "start_time": 1700000000.0},
                {"type_": "generative_text_response", "prompt_tokens": 200, "output_tokens": 30, "start_time": 1700000001.0}
              ], "incomplete": [], "errored": []}
            }]}
            """;
        MeasuredRun run = Assert.Single(Read(old));
        Assert.Equal(("Qwen/Qwen3-8B", 3), (run.Model, run.Requests!.Value));
        // The cap before 0.7 is 512: three requests all go at once.
        Assert.Equal(("concurrency", 3.0), (run.Arrival, run.Rate!.Value));
        Assert.Contains("512, the cap before 0.7: the report names no release", run.Notes, StringComparison.Ordinal);
        Assert.Equal(300, run.ClientTimeoutSeconds);   // the client's 5-minute request timeout before 0.7
        var lengths = Assert.IsType<RequestLengths.Recorded>(run.Lengths);
        Assert.Equal([100, 200, 300], lengths.Prompts);
        Assert.Equal([20, 30, 40], lengths.Outputs);
    }

    [Fact]
    public void The_command_line_names_what_the_report_does_not_and_the_clients_body_says_how_requests_sampled()
    {
        Assert.Contains("give it (--gpu)", Assert.Throws<CatalogException>(() => Read(Report, new ServingSetup())).Message, StringComparison.Ordinal);
        string anonymous = Edited(root => root["benchmarks"]![0]!["config"]!["backend"]!.AsObject().Remove("model"));
        CatalogException e = Assert.Throws<CatalogException>(() => Read(anonymous));
        Assert.Contains("field 'benchmarks[0].config.backend.model'", e.Message, StringComparison.Ordinal);
        Assert.Contains("give it (--model)", e.Message, StringComparison.Ordinal);
        Assert.Equal("llama-3.1-8b", Read(anonymous, new ServingSetup { Gpu = "H100", Model = "llama-3.1-8b" })[0].Model);

        Assert.Equal(string.Empty, Read(Report)[0].Sampling);   // none added: the server's default
        string greedy = Edited(root => root["benchmarks"]![1]!["config"]!["backend"]!["extras"] = JsonNode.Parse("""{"body": {"temperature": 0}}"""));
        Assert.Equal("greedy", Read(greedy)[1].Sampling);
    }

    [Theory]
    [InlineData("config.strategy.type_", "\"trace\"", "'trace' is not a strategy ClusterSim replays")]
    [InlineData("config.strategy.type_", null, "expected the scheduling strategy")]
    [InlineData("metrics.request_totals.successful", "0", "no request completed")]
    [InlineData("metrics.request_totals.successful", "2.5", "whole number of requests")]
    [InlineData("metrics.request_latency.successful.mean", null, "is required")]
    [InlineData("metrics.prompt_token_count.successful.mean", "0", "mean length of 1 to 10,000,000 tokens")]
    [InlineData("metrics.time_to_first_token_ms.successful.percentiles.p99", "\"slow\"", "expected a number")]
    [InlineData("metrics.inter_token_latency_ms.successful.mean", "-1", "at least 0")]
    public void A_damaged_benchmark_is_refused_naming_its_field(string path, string? value, string message)
    {
        string json = Edited(root => JsonEdit.Set(root["benchmarks"]![3]!, path, value));
        CatalogException e = Assert.Throws<CatalogException>(() => Read(json));
        Assert.StartsWith("benchmarks.json:1: field 'benchmarks[3].", e.Message, StringComparison.Ordinal);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_report_of_the_simulators_own_figures_replays_to_them()
    {
        // Replay the sweep, write what the simulation gave back into each benchmark, replay that: the errors vanish.
        var setup = new ServingSetup { Gpu = "H100", Model = "llama-3.1-8b" };
        IReadOnlyList<ReplayOutcome> first = ReplayReport.Run(Read(Report, setup), SimCatalog.Default).Outcomes;
        Assert.Equal(5, first.Count);
        string own = Edited(root =>
        {
            for (int i = 0; i < first.Count; i++)
            {
                SimulatedStage s = first[i].Simulated;
                JsonNode metrics = root["benchmarks"]![i]!["metrics"]!;
                metrics["request_latency"]!["successful"]!["mean"] = s.E2eMs / 1e3;
                metrics["time_to_first_token_ms"]!["successful"]!["mean"] = s.TtftMs;
                metrics["time_to_first_token_ms"]!["successful"]!["percentiles"]!["p99"] = s.TtftP99Ms;
                metrics["inter_token_latency_ms"]!["successful"]!["mean"] = s.ItlMs;
                metrics["output_tokens_per_second"]!["successful"]!["mean"] = s.OutputTokensPerSecond;
            }
        });
        IReadOnlyList<ReplayOutcome> again = ReplayReport.Run(Read(own, setup), SimCatalog.Default).Outcomes;
        Assert.Equal(
            [ReplayArrival.ClosedLoop, ReplayArrival.ClosedLoop, ReplayArrival.ClosedLoop, ReplayArrival.Staged, ReplayArrival.Gamma],
            again.Select(o => o.Case.Arrival));
        Assert.Equal([0, 0, 0, 32, 16], again.Select(o => o.Case.ClientConcurrencyCap));   // the paced runs' max_concurrency
        foreach (ReplayOutcome outcome in again)
        {
            foreach (double error in new[] { outcome.TtftError, outcome.E2eError, outcome.ItlError, outcome.TtftP99Error })
            {
                Assert.InRange(error, -1e-9, 1e-9);
            }

            Assert.True(outcome.Simulated.TtftMs > 0 && outcome.Simulated.E2eMs > outcome.Simulated.TtftMs, $"{outcome.Simulated}");
        }

        // Throughput is scored where the client kept requests in flight: the closed loops.
        Assert.All(again.Take(3), o => Assert.InRange(o.ThroughputError, -1e-9, 1e-9));
    }
}
