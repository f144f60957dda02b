using System.Text.Json.Nodes;
using ClusterSim.Core.Catalog;
using ClusterSim.Experiments.Replay;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>
/// A stage of inference-perf's request lifecycle report (<c>stage_N_lifecycle_metrics.json</c>) read as a constant-rate
/// run of its own: latencies in seconds, the client's counts of the lengths, the gap between tokens from the means.
/// </summary>
public class InferencePerfReportTests
{
    /// <summary>A stage as inference-perf writes it (one line; indented here, the percentiles thinned).</summary>
    internal const string Stage = """
        {"load_summary": {"count": 5531, "schedule_delay": {"mean": 0.0004, "min": -0.0006, "median": 0.0005, "p90": 0.0009, "max": 0.0017},
                          "send_duration": 59.99, "requested_rate": 92.19, "achieved_rate": 92.22},
         "successes": {"count": 5531,
                       "latency": {"request_latency": {"mean": 1.0213, "min": 0.49, "median": 0.98, "p90": 1.23, "p99": 1.38, "max": 1.5},
                                   "normalized_time_per_output_token": {"mean": 0.0163, "median": 0.0158, "p99": 0.021},
                                   "time_per_output_token": {"mean": 0.0079, "median": 0.0078, "p99": 0.0101},
                                   "time_to_first_token": {"mean": 0.0505, "min": 0.021, "median": 0.0445, "p90": 0.0644, "p99": 0.1818, "max": 0.3},
                                   "inter_token_latency": {"mean": 0.0079, "median": 0.00004, "p99": 0.02}},
                       "throughput": {"input_tokens_per_sec": 18800.1, "output_tokens_per_sec": 5694.2, "total_tokens_per_sec": 24494.3, "requests_per_sec": 91.4},
                       "prompt_len": {"mean": 204.1, "min": 196.0, "median": 205.0, "max": 212.0},
                       "output_len": {"mean": 62.3, "min": 36.0, "median": 64.0, "max": 68.0}},
         "failures": {"count": 0, "request_latency": null, "prompt_len": null}}
        """;

    private static readonly ServingSetup Setup = new() { Gpu = "H100", Model = "meta-llama/Llama-3.1-8B-Instruct", MaxSequences = 128, ConcurrencyCap = 440 };

    private static MeasuredRun Read(string json, ServingSetup? setup = null, string source = "stage_3_lifecycle_metrics.json") =>
        Assert.Single(BenchmarkServingFile.ParseAll(json, source, setup ?? Setup));

    private static string Edited(string path, string? value)
    {
        JsonObject root = JsonNode.Parse(Stage)!.AsObject();
        JsonEdit.Set(root, path, value);
        return root.ToJsonString();
    }

    [Fact]
    public void A_stage_is_a_constant_rate_run_of_its_own_timed_from_each_send()
    {
        MeasuredRun run = Read(Stage);
        Assert.Equal(("stage_3_lifecycle_metrics", "all", "H100", "meta-llama/Llama-3.1-8B-Instruct"), (run.Experiment, run.Stage, run.Gpu, run.Model));
        Assert.Equal(("constant", 92.19, 5531, 440.0), (run.Arrival, run.Rate!.Value, run.Requests!.Value, run.ConcurrencyCap!.Value));
        Assert.Equal(5531 / 92.19, run.DurationSeconds!.Value, 9);
        Assert.Equal((204.1, 62.3), (run.InputTokens!.Value, run.OutputTokens!.Value));
        Assert.Equal(1021.3, run.E2eMs!.Value, 9);
        Assert.Equal(1380, run.E2eP99Ms!.Value, 9);
        Assert.Equal((50.5, 44.5, 64.4, 181.8), (Math.Round(run.TtftMs!.Value, 6), Math.Round(run.TtftP50Ms!.Value, 6), Math.Round(run.TtftP90Ms!.Value, 6), Math.Round(run.TtftP99Ms!.Value, 6)));
        // Not the report's 7.9 ms a streamed chunk: the gap a token, from the means.
        Assert.Equal((1021.3 - 50.5) / (62.3 - 1), run.ItlMs!.Value, 9);
        Assert.Equal(5694.2, run.ThroughputTokensPerSecond!.Value);
        Assert.Contains("at most 440 in flight (--max-concurrency)", run.Notes, StringComparison.Ordinal);
        Assert.Contains("no cap on requests in flight", Read(Stage, Setup with { ConcurrencyCap = null }).Notes, StringComparison.Ordinal);
    }

    [Fact]
    public void The_command_line_names_the_model_and_accelerator_and_the_summary_across_stages_is_refused()
    {
        Assert.Contains("give it (--gpu)", Assert.Throws<CatalogException>(() => Read(Stage, Setup with { Gpu = null })).Message, StringComparison.Ordinal);
        Assert.Contains("give it (--model)", Assert.Throws<CatalogException>(() => Read(Stage, Setup with { Model = null })).Message, StringComparison.Ordinal);

        string summary = Edited("load_summary.requested_rate", null);
        CatalogException e = Assert.Throws<CatalogException>(() => Read(summary, source: "summary_lifecycle_metrics.json"));
        Assert.Equal("summary_lifecycle_metrics.json:1: field 'load_summary.requested_rate': this is inference-perf's summary across stages, which has no rate: replay the stage reports (stage_N_lifecycle_metrics.json), each a run", e.Message);
    }

    [Theory]
    [InlineData("load_summary.requested_rate", "0", "above 0 requests/s")]
    [InlineData("successes.count", "0", "no request succeeded")]
    [InlineData("successes.count", "1.5", "whole number of requests")]
    [InlineData("successes.latency.request_latency.mean", null, "is required")]
    [InlineData("successes.prompt_len.mean", "0", "mean length of 1 to 10,000,000 tokens")]
    [InlineData("successes.latency.time_to_first_token.p99", "\"slow\"", "expected a number")]
    [InlineData("failures.count", "-1", "at least 0")]
    public void A_damaged_report_is_refused_naming_its_field(string path, string? value, string message)
    {
        CatalogException e = Assert.Throws<CatalogException>(() => Read(Edited(path, value)));
        Assert.StartsWith($"stage_3_lifecycle_metrics.json:1: field '{path}'", e.Message, StringComparison.Ordinal);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_report_of_the_simulators_own_figures_replays_to_them()
    {
        var setup = Setup with { Model = "llama-3.1-8b", PrefixCaching = false, ChunkedPrefill = false, EngineVersion = "0.11.0" };
        ReplayOutcome first = Assert.Single(ReplayReport.Run([Read(Stage, setup)], SimCatalog.Default).Outcomes);
        Assert.Equal((ReplayArrival.Staged, 440), (first.Case.Arrival, first.Case.ClientConcurrencyCap));
        Assert.False(first.Case.Scheduler.PrefixCaching);
        SimulatedStage s = first.Simulated;
        string own = Edited("successes.latency.request_latency.mean", (s.E2eMs / 1e3).ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        JsonObject root = JsonNode.Parse(own)!.AsObject();
        root["successes"]!["latency"]!["time_to_first_token"]!["mean"] = s.TtftMs / 1e3;
        root["successes"]!["latency"]!["time_to_first_token"]!["p99"] = s.TtftP99Ms / 1e3;
        ReplayOutcome again = Assert.Single(ReplayReport.Run([Read(root.ToJsonString(), setup)], SimCatalog.Default).Outcomes);
        foreach (double error in new[] { again.TtftError, again.E2eError, again.TtftP99Error })
        {
            Assert.InRange(error, -1e-9, 1e-9);
        }

        // The gap from the means is the simulation's own within the rounding of the output count (62.3 counted, 62 sent).
        Assert.InRange(again.ItlError, -0.02, 0.02);
    }
}
