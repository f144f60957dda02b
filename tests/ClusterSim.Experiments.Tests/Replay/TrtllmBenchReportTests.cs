using System.Text.Json;
using ClusterSim.Core.Catalog;
using ClusterSim.Core.Inference;
using ClusterSim.Core.Performance;
using ClusterSim.Experiments.Replay;
using ClusterSim.Tests;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>
/// trtllm-bench's report, printed or as its --report_json, read as a measured run that carries the server's set-up, and
/// replayed on TensorRT-LLM's scheduling with the limits the run used.
/// </summary>
public class TrtllmBenchReportTests
{
    private const string Printed = PrintedSummaries.TrtllmBenchThroughput;
    private static readonly ServingSetup Nothing = new();

    private static MeasuredRun Read(string text, ServingSetup? setup = null) => TrtllmBenchReport.Parse(text, "bench.log", setup ?? Nothing);

    [Fact]
    public void The_printed_report_gives_the_server_and_the_measurements()
    {
        Assert.True(TrtllmBenchReport.Holds(Printed));
        MeasuredRun run = Read(Printed);
        Assert.Equal(("nvidia/Llama-3.1-8B-Instruct-FP8", "NVIDIA H100 80GB HBM3", 1), (run.Model, run.Gpu, run.TensorParallel));
        Assert.Equal(("FP8", "fp8", "tensorrt-llm", "1.2.0rc1"), (run.DType, run.KvCacheDType, run.Engine, run.EngineVersion));
        Assert.Equal((640, 2048, 0.9, KvAdmissionPolicy.Reserve), (run.MaxSequences, run.MaxBatchedTokens, run.GpuMemoryUtilization, run.KvAdmission));
        Assert.Equal(("offline", 3000, 1000.0, 1000.0), (run.Arrival, run.Requests, run.InputTokens, run.OutputTokens));
        Assert.Equal(197.109067, run.DurationSeconds!.Value, 9);
        Assert.Equal((58830.1195, 41.3231, 100112.4211, 15220.0), (run.TtftMs, run.ItlMs, run.E2eMs, run.ThroughputTokensPerSecond));
        Assert.Equal((139870.2219, 153990.0017, 181200.3301, 195010.7711), (run.TtftP90Ms, run.TtftP99Ms, run.E2eP90Ms, run.E2eP99Ms));
    }

    [Fact]
    public void The_report_json_reads_as_its_printout()
    {
        const string json = """
            {
              "engine": { "model": "nvidia/Llama-3.1-8B-Instruct-FP8", "model_path": "None", "version": "1.2.0rc1", "backend": "Pytorch",
                          "dtype": "bfloat16", "kv_cache_dtype": "FP8", "quantization": "FP8" },
              "machine": { "name": "NVIDIA H100 80GB HBM3", "memory.total": 79.19, "clocks.mem": 2.62 },
              "world_info": { "tp_size": 1, "pp_size": 1, "ep_size": null, "world_size": 1, "max_batch_size": 640, "max_num_tokens": 2048,
                              "scheduling_policy": "GUARANTEED_NO_EVICT", "kv_cache_percentage": 0.9, "issue_rate": 12381.0 },
              "request_info": { "num_requests": 3000, "avg_num_concurrent_requests": 1523.0155, "avg_input_length": 1000.0, "avg_output_length": 1000.0 },
              "performance": { "total_latency_ms": 197109.067, "avg_request_latency_ms": 100112.4211, "request_throughput_req_s": 15.22,
                               "system_output_throughput_tok_s": 15220.0, "system_total_throughput_tok_s": 30440.0,
                               "request_latency_percentiles_ms": { "p50": 98870.1102, "p90": 181200.3301, "p95": 188811.202, "p99": 195010.7711 } },
              "streaming_metrics": { "token_output_speed_tok_s": 24.2178, "avg_ttft_ms": 58830.1195, "avg_tpot_ms": 41.3231,
                                     "tpot_percentiles": { "p90": 43.7781, "p99": 44.8001 },
                                     "ttft_percentiles": { "p90": 139870.2219, "p99": 153990.0017 } }
            }
            """;
        IReadOnlyList<MeasuredRun> runs = BenchmarkServingFile.ParseAll(json, "bench.json", Nothing);
        MeasuredRun fromJson = Assert.Single(runs), printed = Read(Printed);
        Assert.Equal("bench", fromJson.Experiment);
        Assert.Equal(printed with { Line = 0, Experiment = string.Empty, PeerErrors = fromJson.PeerErrors }, fromJson with { Line = 0, Experiment = string.Empty });
    }

    [Fact]
    public void Replay_runs_with_the_limits_the_report_names_and_finds_the_published_throughput()
    {
        ReplayReport report = ReplayReport.Run([Read(Printed)], SimCatalog.Default);
        ReplayOutcome outcome = Assert.Single(report.Outcomes);
        Assert.Equal(("llama-3.1-8b", "H100-SXM", ServingEngine.TensorRtLlm), (outcome.Case.Deployment.Model.Id, outcome.Case.Deployment.Accelerator.Id, outcome.Case.Deployment.Engine));
        Assert.Equal((640, 2048, KvAdmissionPolicy.Reserve), (outcome.Case.Scheduler.MaxSequences, outcome.Case.Scheduler.MaxBatchedTokens, outcome.Case.Scheduler.KvAdmission));
        Assert.Equal(Precision.FP8, outcome.Case.Deployment.KvCache);
        // The published 15,220 output tokens/s (a fit row of hopper-trtllm/fp8, simulated 2.9 % low in the calibration report).
        Assert.InRange(outcome.ThroughputError, -0.08, 0.05);
    }

    [Fact]
    public void The_command_line_wins_over_the_report()
    {
        MeasuredRun run = Read(Printed, new ServingSetup { Model = "llama-3.1-8b", Gpu = "H200", MaxSequences = 256, DType = "BF16" });
        Assert.Equal(("llama-3.1-8b", "H200", 256, 2048, "FP8"), (run.Model, run.Gpu, run.MaxSequences, run.MaxBatchedTokens, run.DType));
    }

    [Fact]
    public void Maximum_utilization_grows_the_cache_and_a_run_without_streaming_has_no_TTFT()
    {
        string text = Printed.Replace("GUARANTEED_NO_EVICT", "MAX_UTILIZATION", StringComparison.Ordinal)
            .Replace("Average time-to-first-token [TTFT] (ms):", "Unprinted:", StringComparison.Ordinal)
            .Replace("Average time-per-output-token [TPOT] (ms):", "Unprinted too:", StringComparison.Ordinal);
        MeasuredRun run = Read(text);
        Assert.Equal(KvAdmissionPolicy.Grow, run.KvAdmission);
        Assert.Null(run.TtftMs);
        Assert.Null(run.ItlMs);
        Assert.Equal(100112.4211, run.E2eMs);
    }

    [Theory]
    [InlineData("Total Output Throughput (tokens/sec):             15220.0000", "", "system_output_throughput_tok_s", "is required")]
    [InlineData("PP Size:                1", "PP Size:                2", "pp_size", "pipeline parallelism")]
    [InlineData("GUARANTEED_NO_EVICT", "STATIC_BATCH", "scheduling_policy", "STATIC_BATCH")]
    [InlineData("KV Memory Percentage:   90.00%", "KV Memory Percentage:   190.00%", "KV Memory Percentage", "percentage")]
    [InlineData("Max Runtime Batch Size: 640", "Max Runtime Batch Size: 6.5", "max_batch_size", "whole number")]
    [InlineData("Average Output Length (tokens): 1000.0000", "Average Output Length (tokens): many", "Average Output Length (tokens)", "expected a number")]
    [InlineData("Average Input Length (tokens):  1000.0000", "Average Input Length (tokens):  0.5000", "avg_input_length", "mean length of 1 to 10,000,000")]
    [InlineData("Average Output Length (tokens): 1000.0000", "Average Output Length (tokens): 20000000", "avg_output_length", "mean length of 1 to 10,000,000")]
    public void A_damaged_report_is_refused_at_its_line(string line, string replacement, string field, string message)
    {
        string text = Printed.Replace(line, replacement, StringComparison.Ordinal);
        CatalogException e = Assert.Throws<CatalogException>(() => Read(text));
        Assert.StartsWith("bench.log:", e.Message, StringComparison.Ordinal);
        Assert.Contains(field, e.Message, StringComparison.Ordinal);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        int at = int.Parse(e.Message.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
        string[] lines = text.Split('\n');
        Assert.InRange(at, 1, lines.Length);
        Assert.True(replacement.Length == 0 ? lines[at - 1].Contains("PERFORMANCE OVERVIEW", StringComparison.Ordinal) : lines[at - 1].Contains(replacement.Split(':')[^1].Trim(), StringComparison.Ordinal), $"line {at}: {lines[at - 1]}");
    }

    [Fact]
    public void A_report_that_names_no_model_asks_for_one()
    {
        CatalogException e = Assert.Throws<CatalogException>(() => Read(Printed.Replace("nvidia/Llama-3.1-8B-Instruct-FP8", "None", StringComparison.Ordinal)));
        Assert.Contains("--model", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_2024_release_report_is_read_and_scored_on_its_throughput()
    {
        string text = PrintedSummaries.TrtllmBench2024;
        Assert.True(TrtllmBenchReport.Holds(text));
        // It names no GPU: asked for, as the newer report without machine details is.
        Assert.Contains("--gpu", Assert.Throws<CatalogException>(() => Read(text)).Message, StringComparison.Ordinal);

        MeasuredRun run = Read(text, new ServingSetup { Gpu = "H100" });
        Assert.Equal(("meta-llama/Llama-2-7b-hf", 1, "FP8", "fp8", "0.12.0"), (run.Model, run.TensorParallel, run.DType, run.KvCacheDType, run.EngineVersion));
        Assert.Equal((4096, 8192, 0.99, KvAdmissionPolicy.Reserve), (run.MaxSequences, run.MaxBatchedTokens, run.GpuMemoryUtilization!.Value, run.KvAdmission));
        Assert.Equal((3000, 128.0, 128.0), (run.Requests, run.InputTokens, run.OutputTokens));
        Assert.Equal(16.406100739, run.DurationSeconds!.Value, 9);
        Assert.Equal(23405.927228471104, run.ThroughputTokensPerSecond);
        Assert.Null(run.E2eMs);   // it prints no mean request latency
        Assert.Null(run.TtftMs);

        var (cases, skipped) = ReplayCase.Build([run], SimCatalog.Default);
        Assert.Empty(skipped);
        ReplayOutcome outcome = Assert.Single(ReplayReport.Run(cases, []).Outcomes);
        Assert.True(double.IsFinite(outcome.ThroughputError) && Math.Abs(outcome.ThroughputError) < 0.2, $"throughput error {outcome.ThroughputError:P1}");
    }

    [Fact]
    public void A_newer_report_without_its_mean_request_latency_is_still_refused()
    {
        string text = Printed.Replace("Average request latency (ms):", "Unprinted:", StringComparison.Ordinal);
        Assert.Contains("avg_request_latency_ms", Assert.Throws<CatalogException>(() => Read(text)).Message, StringComparison.Ordinal);
    }
}

