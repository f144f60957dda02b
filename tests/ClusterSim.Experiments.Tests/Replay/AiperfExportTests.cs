using System.Text.Json.Nodes;
using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;
using ClusterSim.Experiments.Replay;
using ClusterSim.Tests;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>
/// AIPerf's and GenAI-Perf's aggregate exports read as measured runs: the traffic from the client's configuration, the
/// model it named, the GPU its telemetry saw, and each metric's mean and tails.
/// </summary>
public class AiperfExportTests
{
    private static readonly ServingSetup Nothing = new();

    private static MeasuredRun Read(string json, ServingSetup? setup = null) => Assert.Single(BenchmarkServingFile.ParseAll(json, "aiperf.json", setup ?? Nothing));

    /// <summary>The fixture with <paramref name="change"/> applied to its JSON.</summary>
    private static string Edited(Action<JsonObject> change)
    {
        JsonObject root = JsonNode.Parse(PrintedSummaries.AiperfExport)!.AsObject();
        change(root);
        return root.ToJsonString();
    }

    [Fact]
    public void A_closed_loop_export_gives_its_users_model_GPU_and_metrics()
    {
        MeasuredRun run = Read(PrintedSummaries.AiperfExport);
        Assert.Equal(("meta-llama/Llama-3.1-8B-Instruct", "NVIDIA H100 80GB HBM3", "aiperf"), (run.Model, run.Gpu, run.Experiment));
        Assert.Equal(("concurrency", 16.0, (double?)null), (run.Arrival, run.Rate, run.ConcurrencyCap));
        Assert.Equal((320, 1024.0, 128.0, 23.8587), (run.Requests, run.InputTokens, run.OutputTokens, run.DurationSeconds));
        Assert.Equal((62.41, 8.899, 1192.61, 1716.77), (run.TtftMs, run.ItlMs, run.E2eMs, run.ThroughputTokensPerSecond));
        Assert.Equal((91.02, 120.48, 1240.37, 1302.55), (run.TtftP90Ms, run.TtftP99Ms, run.E2eP90Ms, run.E2eP99Ms));
        Assert.Equal(string.Empty, run.Sampling);   // the client asks for no sampling mode: the server's default
        Assert.Null(run.FailedRequests);
    }

    [Fact]
    public void A_paced_export_keeps_its_pattern_its_shape_and_its_cap()
    {
        MeasuredRun gamma = Read(Edited(root =>
        {
            JsonObject loadgen = root["input_config"]!["loadgen"]!.AsObject();
            loadgen["concurrency"] = 32;
            loadgen["request_rate"] = 8.0;
            loadgen["request_rate_mode"] = "gamma";
            loadgen["arrival_smoothness"] = 0.5;
        }));
        Assert.Equal(("gamma", 8.0, 0.5, 32.0), (gamma.Arrival, gamma.Rate, gamma.Burstiness, gamma.ConcurrencyCap));

        // GenAI-Perf's flat configuration: a rate without a pattern is perf_analyzer's constant one, and the note says so.
        MeasuredRun constant = Read(Edited(root => root["input_config"] = new JsonObject
        {
            ["model"] = new JsonArray("meta-llama/Llama-3.1-8B-Instruct"),
            ["request_rate"] = 4.0,
            ["streaming"] = true,
        }));
        Assert.Equal(("constant", 4.0, (double?)null, 80.0), (constant.Arrival, constant.Rate, constant.ConcurrencyCap, constant.DurationSeconds));   // 320 requests at 4 a second
        Assert.Contains("the client's default (constant)", constant.Notes, StringComparison.Ordinal);
    }

    [Fact]
    public void A_run_without_streaming_has_no_first_token_or_gaps()
    {
        MeasuredRun run = Read(Edited(root => root["input_config"]!["endpoint"]!["streaming"] = false));
        Assert.Null(run.TtftMs);
        Assert.Null(run.ItlMs);
        Assert.Null(run.TtftP99Ms);
        Assert.Equal(1192.61, run.E2eMs);
    }

    [Fact]
    public void The_command_line_names_what_the_export_does_not()
    {
        string bare = Edited(root =>
        {
            root.Remove("telemetry_data");
            root["input_config"]!["endpoint"]!.AsObject().Remove("model_names");
        });
        Assert.Contains("give it (--model)", Assert.Throws<CatalogException>(() => Read(bare)).Message, StringComparison.Ordinal);
        Assert.Contains("give it (--gpu)", Assert.Throws<CatalogException>(() => Read(bare, Nothing with { Model = "llama-3.1-8b" })).Message, StringComparison.Ordinal);
        MeasuredRun run = Read(bare, new ServingSetup { Model = "llama-3.1-8b", Gpu = "H200", TensorParallel = 2, Engine = "sglang" });
        Assert.Equal(("llama-3.1-8b", "H200", 2, "sglang"), (run.Model, run.Gpu, run.TensorParallel, run.Engine));
    }

    [Theory]
    [InlineData("request_count", "is required")]
    [InlineData("output_sequence_length", "is required")]
    [InlineData("request_latency.avg", "expected a number")]
    [InlineData("request_rate_mode", "not an arrival pattern")]
    [InlineData("concurrency", "whole number of users")]
    public void A_damaged_export_is_refused_naming_the_field(string field, string message)
    {
        string json = Edited(root =>
        {
            switch (field)
            {
                case "request_count" or "output_sequence_length":
                    root.Remove(field);
                    break;
                case "request_latency.avg":
                    root["request_latency"]!["avg"] = "slow";
                    break;
                case "request_rate_mode":
                    root["input_config"]!["loadgen"]!["request_rate"] = 2.0;
                    root["input_config"]!["loadgen"]!["request_rate_mode"] = "trace";
                    break;
                default:
                    root["input_config"]!["loadgen"]!["concurrency"] = 0.5;
                    break;
            }
        });
        CatalogException e = Assert.Throws<CatalogException>(() => Read(json));
        Assert.StartsWith("aiperf.json:1: field '", e.Message, StringComparison.Ordinal);
        Assert.Contains(field, e.Message, StringComparison.Ordinal);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_export_replays_as_a_closed_loop_on_the_GPU_its_telemetry_saw()
    {
        ReplayReport report = ReplayReport.Run([Read(PrintedSummaries.AiperfExport)], SimCatalog.Default);
        ReplayOutcome outcome = Assert.Single(report.Outcomes);
        Assert.Equal(("llama-3.1-8b", "H100-SXM", ServingEngine.Vllm), (outcome.Case.Deployment.Model.Id, outcome.Case.Deployment.Accelerator.Id, outcome.Case.Deployment.Engine));
        Assert.Equal(ReplayArrival.ClosedLoop, outcome.Case.Arrival);
        Assert.True(double.IsFinite(outcome.TtftError) && double.IsFinite(outcome.ItlError) && double.IsFinite(outcome.ThroughputError));
    }
}
