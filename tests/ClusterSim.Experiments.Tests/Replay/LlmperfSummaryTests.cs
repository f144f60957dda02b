using System.Text.Json.Nodes;
using ClusterSim.Core.Catalog;
using ClusterSim.Experiments.Replay;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>
/// LLMPerf's summary (ray-project/llmperf's <c>token_benchmark_ray.py</c>) read as a measured run: a closed loop of its
/// concurrent requests, the measured mean lengths, latencies in seconds, and its inter-token latency, which counts the
/// first token's wait, replaced by the gap the other clients report.
/// </summary>
public class LlmperfSummaryTests
{
    /// <summary>A summary as the client writes it (indented; results flattened with underscores; NaN where pandas had none).</summary>
    internal const string Summary = """
        {
            "version": "2023-08-31",
            "name": "meta-llama-Llama-3-1-8B-Instruct_550_150_summary",
            "model": "meta-llama/Llama-3.1-8B-Instruct",
            "mean_input_tokens": 550,
            "stddev_input_tokens": 150,
            "mean_output_tokens": 150,
            "stddev_output_tokens": 10,
            "num_concurrent_requests": 8,
            "results_inter_token_latency_s_quantiles_p25": 0.0091,
            "results_inter_token_latency_s_quantiles_p50": 0.0094,
            "results_inter_token_latency_s_mean": 0.0095,
            "results_inter_token_latency_s_stddev": NaN,
            "results_ttft_s_quantiles_p50": 0.041,
            "results_ttft_s_quantiles_p90": 0.062,
            "results_ttft_s_quantiles_p99": 0.085,
            "results_ttft_s_mean": 0.045,
            "results_end_to_end_latency_s_quantiles_p90": 1.52,
            "results_end_to_end_latency_s_quantiles_p99": 1.61,
            "results_end_to_end_latency_s_mean": 1.41,
            "results_request_output_throughput_token_per_s_mean": 104.2,
            "results_number_input_tokens_mean": 548.6,
            "results_number_output_tokens_mean": 146.3,
            "results_num_requests_started": 160,
            "results_error_rate": 0.0,
            "results_number_errors": 0,
            "results_error_code_frequency": "{}",
            "results_mean_output_throughput_token_per_s": 812.5,
            "results_num_completed_requests": 160,
            "results_num_completed_requests_per_min": 333.2,
            "timestamp": 1733000000
        }
        """;

    private static MeasuredRun Read(string json, ServingSetup? setup = null) =>
        Assert.Single(BenchmarkServingFile.ParseAll(json, "llmperf_summary.json", setup ?? new ServingSetup { Gpu = "H100" }));

    private static string Edited(Action<JsonObject> change)
    {
        JsonObject root = JsonNode.Parse(Summary.Replace("NaN", "null", StringComparison.Ordinal))!.AsObject();
        change(root);
        return root.ToJsonString();
    }

    [Fact]
    public void A_summary_is_a_closed_loop_of_its_concurrent_requests_at_the_measured_means()
    {
        MeasuredRun run = Read(Summary);
        Assert.Equal(("meta-llama/Llama-3.1-8B-Instruct", "H100", "llmperf_summary"), (run.Model, run.Gpu, run.Experiment));
        Assert.Equal(("concurrency", 8.0, 160, 0), (run.Arrival, run.Rate, run.Requests, run.FailedRequests));
        Assert.Equal((548.6, 146.3), (run.InputTokens, run.OutputTokens));
        Assert.Equal((45.0, 1410.0, 812.5), (run.TtftMs!.Value, run.E2eMs!.Value, run.ThroughputTokensPerSecond!.Value), new TripleComparer());
        Assert.Equal((41.0, 62.0, 85.0), (run.TtftP50Ms!.Value, run.TtftP90Ms!.Value, run.TtftP99Ms!.Value), new TripleComparer());
        Assert.Equal(1610, run.E2eP99Ms!.Value, 6);

        // Not its 9.5 ms, which divides each request's whole latency by its tokens: the gaps after the first token.
        Assert.Equal((1410 - 45) / (146.3 - 1), run.ItlMs!.Value, 9);
        Assert.Contains("its own inter_token_latency_s counts the first token's wait", run.Notes, StringComparison.Ordinal);
        Assert.Contains("drawn about 550 ± 150 and 150 ± 10 tokens", run.Notes, StringComparison.Ordinal);
    }

    [Fact]
    public void A_providers_prefix_on_the_model_is_dropped_and_the_command_line_names_what_the_summary_does_not()
    {
        Assert.Equal("meta-llama/Llama-3.1-8B-Instruct", Read(Edited(root => root["model"] = "huggingface/meta-llama/Llama-3.1-8B-Instruct")).Model);
        Assert.Contains("give it (--gpu)", Assert.Throws<CatalogException>(() => Read(Summary, new ServingSetup())).Message, StringComparison.Ordinal);
        Assert.Contains("give it (--model)", Assert.Throws<CatalogException>(() => Read(Edited(root => root.Remove("model")))).Message, StringComparison.Ordinal);
        Assert.Equal("llama-3.1-8b", Read(Summary, new ServingSetup { Gpu = "H100", Model = "llama-3.1-8b" }).Model);
    }

    [Fact]
    public void The_parameters_the_client_added_say_how_the_requests_sampled()
    {
        Assert.Equal(string.Empty, Read(Summary).Sampling);   // none added: the server's default
        Assert.Equal("greedy", Read(Edited(root => root["additional_sampling_params_temperature"] = 0.0)).Sampling);
        Assert.Equal("top-p", Read(Edited(root =>
        {
            root["additional_sampling_params_temperature"] = 0.7;
            root["additional_sampling_params_top_p"] = 0.9;
        })).Sampling);
        Assert.Equal("temperature", Read(Edited(root => root["additional_sampling_params_temperature"] = 1.0)).Sampling);
    }

    [Theory]
    [InlineData("num_concurrent_requests", "0", "whole number of concurrent requests")]
    [InlineData("results_num_completed_requests", "0", "whole number of completed requests")]
    [InlineData("results_number_output_tokens_mean", null, "is required")]
    [InlineData("results_ttft_s_mean", "\"fast\"", "expected a number")]
    [InlineData("results_end_to_end_latency_s_quantiles_p99", "-1", "at least 0")]
    public void A_damaged_summary_is_refused_naming_the_field(string field, string? value, string message)
    {
        string json = Edited(root =>
        {
            if (value is null)
            {
                root.Remove(field);
            }
            else
            {
                root[field] = JsonNode.Parse(value);
            }
        });
        CatalogException e = Assert.Throws<CatalogException>(() => Read(json));
        Assert.StartsWith("llmperf_summary.json:1: field '" + field + "'", e.Message, StringComparison.Ordinal);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_summary_of_the_simulators_own_figures_replays_to_them()
    {
        // Replay the fixture, write what the simulation gave back into the summary, replay that: the errors vanish.
        ReplayOutcome first = Assert.Single(ReplayReport.Run([Read(Summary, new ServingSetup { Gpu = "H100", Model = "llama-3.1-8b" })], SimCatalog.Default).Outcomes);
        SimulatedStage s = first.Simulated;
        string own = Edited(root =>
        {
            root["results_ttft_s_mean"] = s.TtftMs / 1e3;
            root["results_end_to_end_latency_s_mean"] = s.E2eMs / 1e3;
            root["results_mean_output_throughput_token_per_s"] = s.OutputTokensPerSecond;
            root["results_ttft_s_quantiles_p99"] = s.TtftP99Ms / 1e3;
        });
        ReplayOutcome again = Assert.Single(ReplayReport.Run([Read(own, new ServingSetup { Gpu = "H100", Model = "llama-3.1-8b" })], SimCatalog.Default).Outcomes);
        Assert.Equal(ReplayArrival.ClosedLoop, again.Case.Arrival);
        foreach (double error in new[] { again.TtftError, again.E2eError, again.ThroughputError, again.TtftP99Error })
        {
            Assert.InRange(error, -1e-9, 1e-9);
        }

        // The gap after the first token is scored as measured (E2E − TTFT) / (output − 1): within rounding of the output count.
        Assert.InRange(again.ItlError, -0.01, 0.01);
        Assert.True(s.TtftMs > 0 && s.E2eMs > s.TtftMs, $"{s}");
    }

    [Fact]
    public void The_individual_responses_beside_the_summary_give_each_requests_lengths_and_gap()
    {
        // Three requests, one failed: the two that completed are replayed with their own lengths, in the order they completed.
        const string Responses = """
            [
                {"error_code": null, "error_msg": "", "inter_token_latency_s": 0.011, "ttft_s": 0.05, "end_to_end_latency_s": 1.05,
                 "request_output_throughput_token_per_s": 95.2, "number_total_tokens": 700, "number_output_tokens": 101, "number_input_tokens": 599},
                {"error_code": 500, "error_msg": "overloaded", "inter_token_latency_s": 0, "ttft_s": 0, "end_to_end_latency_s": 0,
                 "request_output_throughput_token_per_s": 0, "number_total_tokens": 480, "number_output_tokens": 0, "number_input_tokens": 480},
                {"error_code": null, "error_msg": "", "inter_token_latency_s": NaN, "ttft_s": 0.04, "end_to_end_latency_s": 2.04,
                 "request_output_throughput_token_per_s": 99.0, "number_total_tokens": 701, "number_output_tokens": 201, "number_input_tokens": 500}
            ]
            """;
        string folder = Path.Combine(Path.GetTempPath(), $"llmperf-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            string summary = Path.Combine(folder, "meta-llama-Llama-3-1-8B-Instruct_550_150_summary.json");
            File.WriteAllText(summary, Summary);
            MeasuredRun alone = Assert.Single(BenchmarkServingFile.Read(summary, new ServingSetup { Gpu = "H100" }));
            Assert.Null(alone.Lengths);

            File.WriteAllText(Path.Combine(folder, "meta-llama-Llama-3-1-8B-Instruct_550_150_individual_responses.json"), Responses);
            MeasuredRun run = Assert.Single(BenchmarkServingFile.Read(summary, new ServingSetup { Gpu = "H100" }));
            var lengths = Assert.IsType<RequestLengths.Recorded>(run.Lengths);
            Assert.Equal([599, 500], lengths.Prompts);
            Assert.Equal([101, 201], lengths.Outputs);
            Assert.Equal(((1.05 - 0.05) * 1e3 / 100 + ((2.04 - 0.04) * 1e3 / 200)) / 2, run.ItlMs!.Value, 9);   // 10 ms each
            Assert.Contains("each request's lengths and gap from meta-llama-Llama-3-1-8B-Instruct_550_150_individual_responses.json", run.Notes, StringComparison.Ordinal);

            // A damaged list is refused naming the request and field.
            File.WriteAllText(Path.Combine(folder, "meta-llama-Llama-3-1-8B-Instruct_550_150_individual_responses.json"), Responses.Replace("\"number_output_tokens\": 201", "\"number_output_tokens\": 20.5", StringComparison.Ordinal));
            CatalogException e = Assert.Throws<CatalogException>(() => BenchmarkServingFile.Read(summary, new ServingSetup { Gpu = "H100" }));
            Assert.Contains("field '[2].number_output_tokens'", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private sealed class TripleComparer : IEqualityComparer<(double, double, double)>
    {
        public bool Equals((double, double, double) a, (double, double, double) b) =>
            Math.Abs(a.Item1 - b.Item1) < 1e-9 && Math.Abs(a.Item2 - b.Item2) < 1e-9 && Math.Abs(a.Item3 - b.Item3) < 1e-9;

        public int GetHashCode((double, double, double) value) => 0;
    }
}
