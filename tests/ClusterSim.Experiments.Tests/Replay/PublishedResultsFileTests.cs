using ClusterSim.Core.Catalog;
using ClusterSim.Experiments.Replay;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>How rows of the published-results layout (inference-results-public.csv) become measured runs, and why some cannot.</summary>
public class PublishedResultsFileTests
{
    private const string Header =
        "category,round_or_release,published,model,scenario,system,accelerator,n_accel,framework,precision,tp,load,input_tokens,output_tokens,tokens_per_s,tokens_per_s_per_accel,ttft_ms,tpot_ms,latency_stat,ttft_limit_ms,tpot_limit_ms,source,notes";

    private static (IReadOnlyList<MeasuredRun> Runs, List<CatalogException> Skipped) Parse(params string[] rows)
    {
        var skipped = new List<CatalogException>();
        var runs = PublishedResultsFile.Parse(string.Join('\n', [Header, .. rows]), "results.csv", SimCatalog.Default, skipped);
        return (runs, skipped);
    }

    [Fact]
    public void Recognises_its_header_and_no_other()
    {
        Assert.True(PublishedResultsFile.Holds(Header + "\n"));
        Assert.False(PublishedResultsFile.Holds("exp_id,stage,model,gpu\n"));
        Assert.False(PublishedResultsFile.Holds("category,notes\ntokens_per_s\n"));   // the column must be in the header line
    }

    [Fact]
    public void A_concurrency_sweep_point_is_a_closed_loop_scored_on_its_means()
    {
        var (runs, skipped) = Parse("NIM benchmark,NIM 1.8.0,2025,Llama 3.3 70B Instruct,Online,,H100-80GB,2,NIM (TensorRT-LLM engine),FP8,2,concurrency 5,5000,500,218.48,109.2,546.7,21.83,\"mean (TTFT, ITL)\",,,src,");
        Assert.Empty(skipped);
        MeasuredRun run = Assert.Single(runs);
        Assert.Equal(("concurrency", 5.0, 100), (run.Arrival, run.Rate!.Value, run.Requests!.Value));
        Assert.Equal(("tensorrt-llm", "fp8", 2, 1), (run.Engine, run.KvCacheDType, run.TensorParallel, run.DataParallel));
        Assert.Equal((546.7, 21.83, 218.48), (run.TtftMs!.Value, run.ItlMs!.Value, run.ThroughputTokensPerSecond!.Value));
        Assert.Null(run.TtftP99Ms);
        Assert.Equal((546.7 + (21.83 * 499)) / 1e3, run.RampSeconds!.Value, 9);   // the users start over one request's published duration
        Assert.Contains(run.Assumed, a => a.StartsWith("100 requests (ten a user", StringComparison.Ordinal));
    }

    [Fact]
    public void An_mlperf_server_row_replays_at_its_valid_rate_and_scores_its_p99_ttft()
    {
        var (runs, _) = Parse("\"MLPerf Inference (closed, datacenter)\",v4.1,2024,Llama 2 70B (99% acc.),Server,NVIDIA HGX H200,H200-SXM-141GB,8,TensorRT-LLM,FP8,,Server: Poisson arrivals,300,\"~272-292 mean (derived), max 1024\",29228.22,3653.5,452.7,146.0,p99 (measured),2000,200,src,");
        MeasuredRun run = Assert.Single(runs);
        Assert.Equal("Llama 2 70B", run.Model);   // the accuracy target is not part of the name
        Assert.Equal(282, run.OutputTokens!.Value);                                       // the middle of the published range
        Assert.Equal(("poisson", 1.0), (run.Arrival, run.Burstiness!.Value));
        Assert.Equal(29228.22 / 282, run.Rate!.Value, 9);
        Assert.Equal((int)Math.Ceiling(29228.22 / 282 * 600), run.Requests!.Value);       // MLPerf's ten minutes
        Assert.Equal((1, 8), (run.TensorParallel, run.DataParallel));                       // 70 GB of FP8 weights in half of 141 GB
        Assert.Equal((452.7, 146.0), (run.TtftP99Ms!.Value, run.TpotP99Ms!.Value));
        Assert.Null(run.TtftMs);
        Assert.Null(run.ThroughputTokensPerSecond);                                        // a Server run's throughput is what it was offered
        Assert.Contains(run.Assumed, a => a.StartsWith("TP 1 (the least that leaves half", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("H100-SXM-80GB", 2)]
    [InlineData("L40S-48GB", 4)]
    public void Without_a_tensor_parallel_size_each_replica_leaves_half_its_memory_to_the_kv_cache(string chip, int tp)
    {
        var (runs, _) = Parse($"\"MLPerf Inference (closed, datacenter)\",v4.1,2024,Llama 2 70B (99% acc.),Offline,sys,{chip},8,TensorRT-LLM,FP8,,Offline: all queries at once,300,290,3717.74,464.7,,,,2000,200,src,");
        MeasuredRun run = Assert.Single(runs);
        Assert.Equal((tp, 8 / tp), (run.TensorParallel, run.DataParallel));
        Assert.Equal(("offline", 24_576), (run.Arrival, run.Requests!.Value));   // MLPerf's performance sample count for Llama 2 70B
    }

    [Fact]
    public void Where_no_split_leaves_half_the_widest_that_holds_the_weights_is_taken()
    {
        // Llama 3.1 405B in FP8 on eight H100 NVL: 51 GB of weights each at TP 8, over half of 94 GB but under 90 %.
        var (runs, _) = Parse("MLPerf,v5.0,2025,Llama 3.1 405B Instruct,Offline,sys,H100-NVL-94GB,8,TensorRT-LLM,FP8,,Offline: all queries at once,300,685,1000,,,,,,,src,");
        MeasuredRun run = Assert.Single(runs);
        Assert.Equal((8, 1, 8_313), (run.TensorParallel, run.DataParallel, run.Requests!.Value));
        Assert.Contains(run.Assumed, a => a.StartsWith("TP 8 (no split leaves half", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Llama 2 70B Interactive", "Llama 2 70B")]   // MLPerf's interactive category: the same model, tighter bounds
    [InlineData("Llama 2 70B (99.9% acc.)", "Llama 2 70B")]
    [InlineData("Mixtral 8x7B", "Mixtral 8x7B")]
    public void A_results_model_name_loses_what_is_not_the_model(string published, string model)
    {
        var (runs, _) = Parse($"MLPerf,v5.0,2025,{published},Offline,sys,MI300X-192GB,8,vLLM,FP8,1,Offline: all queries at once,300,290,1000,,,,,,,src,");
        Assert.Equal(model, Assert.Single(runs).Model);
    }

    [Fact]
    public void Trtllm_bench_rows_take_the_limits_trtllm_bench_derives()
    {
        var (runs, _) = Parse("TensorRT-LLM perf overview,v1.0,2025,Llama 3.1 8B,Offline max-throughput,,H100,1,\"TensorRT-LLM (trtllm-bench, PyTorch backend)\",FP8,1,all requests queued at once,1000,1000,15220,15220,,,,,,src,");
        MeasuredRun run = Assert.Single(runs);
        var deployment = SimCatalog.Default.Deployment("llama-3.1-8b", "H100-SXM", 1, Precision.FP8, Precision.FP8, Core.Performance.ServingEngine.TensorRtLlm);
        var (batch, tokens) = Core.Performance.TrtllmBenchLimits.For(deployment, 1000, 1000);
        Assert.Equal((batch, tokens), (run.MaxSequences!.Value, run.MaxBatchedTokens!.Value));
        Assert.Equal(3000, run.Requests!.Value);
        Assert.Equal(15220, run.ThroughputTokensPerSecond!.Value);
        Assert.Equal("offline", run.Arrival);
        Assert.True(run.InProcess);   // trtllm-bench enqueues its requests in process: those sent together share the first step
    }

    [Fact]
    public void A_row_may_give_its_request_count_release_and_the_dataset_its_engine_was_built_from()
    {
        const string header = "category,model,scenario,accelerator,n_accel,framework,precision,tp,load,input_tokens,output_tokens,tokens_per_s,requests,engine_version,build_input_tokens,build_output_tokens";
        var skipped = new List<CatalogException>();
        var runs = PublishedResultsFile.Parse(
            header + "\nAzure,Llama 3.1 8B,Offline,H100,1,TensorRT-LLM (trtllm-bench),FP8,1,all requests queued at once,128,128,15163,1000,0.15.0,2048,2048",
            "results.csv", SimCatalog.Default, skipped);
        Assert.Empty(skipped);
        MeasuredRun run = Assert.Single(runs);
        Assert.Equal((1000, "0.15.0"), (run.Requests!.Value, run.EngineVersion));
        var deployment = SimCatalog.Default.Deployment("llama-3.1-8b", "H100-SXM", 1, Precision.FP8, Precision.FP8, Core.Performance.ServingEngine.TensorRtLlm);
        var (batch, tokens) = Core.Performance.TrtllmBenchLimits.For(deployment, 2048, 2048);
        Assert.NotEqual((batch, tokens), Core.Performance.TrtllmBenchLimits.For(deployment, 128, 128));
        Assert.Equal((batch, tokens), (run.MaxSequences!.Value, run.MaxBatchedTokens!.Value));
        Assert.Contains(run.Assumed, a => a.StartsWith("trtllm-bench's own limits for the 2048/2048 dataset the engine was built from", StringComparison.Ordinal));
        Assert.DoesNotContain(run.Assumed, a => a.Contains("requests (the row gives no count)", StringComparison.Ordinal));

        PublishedResultsFile.Parse(header + "\nAzure,Llama 3.1 8B,Offline,H100,1,vLLM,FP8,1,all requests queued at once,128,128,15163,0,,,", "results.csv", SimCatalog.Default, skipped);
        Assert.Contains("results.csv:2: field 'requests': 0 is not a whole number from 1", Assert.Single(skipped).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(",,,,Server,,,,,,,p99 bounds,,,,,,,p99,\"llama2-70b 2000\",\"llama2-70b 200\",,", "accelerator", "not a run")]
    [InlineData("MLPerf,v4.1,2024,Llama 2 70B,Offline,s,H100-SXM-80GB,8,TensorRT-LLM,FP8,,Offline,\"OpenOrca subset, max 1024\",290,21805.8,,,,,,,src,", "input_tokens", "write the mean")]
    [InlineData("MLPerf,v4.1,2024,Acme 9000B,Offline,s,H100,8,TensorRT-LLM,FP8,,Offline,300,290,1,,,,,,,src,", "model", "not in the model catalog")]
    [InlineData("MLPerf,v4.1,2024,Llama 2 70B,Offline,s,Z80,8,TensorRT-LLM,FP8,,Offline,300,290,1,,,,,,,src,", "accelerator", "not in the hardware catalog")]
    [InlineData("MLPerf,v4.1,2024,Llama 2 70B,Offline,s,H100,8,TensorRT-LLM,FP8,3,Offline,300,290,1,,,,,,,src,", "tp", "does not divide the 8 accelerators")]
    [InlineData("MLPerf,v4.1,2024,Llama 2 70B,Offline,s,H100,8,llama.cpp,FP8,2,Offline,300,290,1,,,,,,,src,", "framework", "is not one of")]
    [InlineData("MLPerf,v4.1,2024,Llama 2 70B,SingleStream,s,H100,8,TensorRT-LLM,FP8,2,one at a time,300,290,1,,,,,,,src,", "scenario", "none of Offline, Server")]
    [InlineData("NIM,1,2025,Llama 3.3 70B,Online,,H100,2,NIM,FP8,2,concurrency 1,5000,500,51,25,406,18,\"mean (TTFT, ITL)\",,,src,", "framework", "does not say which engine")]
    [InlineData("NIM,1,2025,Llama 3.3 70B,Online,,H100,2,NIM (TensorRT-LLM),FP8,2,concurrency 1,5000,500,51,25,406,18,median,,,src,", "latency_stat", "neither 'mean' nor 'p99'")]
    [InlineData("NIM,1,2025,Llama 3.3 70B,Online,,H100,2,NIM (TensorRT-LLM),FP8,2,concurrency 1,5000,500,fast,25,406,18,mean,,,src,", "tokens_per_s", "not a number")]
    [InlineData("MLPerf,v4.1,2024,Llama 2 70B,Offline,s,H100,8,TensorRT-LLM,FP8,2,Offline,1e12,290,1,,,,,,,src,", "input_tokens", "not a mean length of 1 to 10,000,000")]
    [InlineData("MLPerf,v4.1,2024,Llama 2 70B,Offline,s,H100,8,TensorRT-LLM,FP8,2,Offline,300,~0-0 mean,1,,,,,,,src,", "output_tokens", "not a mean length")]
    [InlineData("TRT,1,2025,Llama 3.1 8B,Offline,,H100,1,\"TensorRT-LLM (trtllm-bench)\",FP8,1,all requests queued at once,9000000,1000,1,,,,,,,src,", "input_tokens", "leaves no room for one request")]
    [InlineData("NIM,1,2025,Llama 3.3 70B,Online,,H100,2,NIM (TensorRT-LLM),FP8,2,concurrency 99999999999,5000,500,51,25,406,18,mean,,,src,", "load", "not a concurrency of 1 to 100,000")]
    [InlineData("MLPerf,v4.1,2024,Llama 2 70B,Server,s,H100,8,TensorRT-LLM,FP8,2,Server,300,290,0,,500,150,p99,,,src,", "tokens_per_s", "not a Server rate")]
    public void A_row_that_cannot_be_replayed_is_left_out_with_its_cell_and_reason(string row, string column, string reason)
    {
        var (runs, skipped) = Parse(row);
        Assert.Empty(runs);
        CatalogException e = Assert.Single(skipped);
        Assert.Contains($"results.csv:2: field '{column}'", e.Message, StringComparison.Ordinal);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_split_the_model_does_not_allow_is_read_and_then_refused_by_the_replay_with_its_reason()
    {
        var (runs, skipped) = Parse("TRT,1,2025,Llama 3.1 8B,Offline,,H100,3,\"TensorRT-LLM (trtllm-bench)\",FP8,3,all requests queued at once,1000,1000,1,,,,,,,src,");
        Assert.Empty(skipped);
        ReplayReport report = ReplayReport.Run(runs, SimCatalog.Default);
        Assert.Empty(report.Outcomes);
        Assert.Contains("tensor_parallel 3 does not divide the 32 attention heads", Assert.Single(report.Skipped).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_without_a_required_column_is_an_error()
    {
        var e = Assert.Throws<CatalogException>(() => PublishedResultsFile.Parse("category,model,tokens_per_s\n", "r.csv", SimCatalog.Default, []));
        Assert.Contains("the header has no 'scenario' column", e.Message, StringComparison.Ordinal);
    }
}
