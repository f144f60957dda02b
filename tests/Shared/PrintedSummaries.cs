namespace ClusterSim.Tests;

/// <summary>
/// Benchmark results as vLLM and trtllm-bench print them and AIPerf exports them, shared by the readers' tests, the replay
/// command's tests and the fuzz runs. Laid out as the tools write them; the figures are made up for the tests except where
/// a constant says.
/// </summary>
internal static class PrintedSummaries
{
    /// <summary>A sweep's log as vLLM prints it: the traffic lines before each block, one pasted behind comment marks.</summary>
    public const string VllmSweep = """
        INFO 05-12 10:01:02 [__init__.py:239] Automatically detected platform cuda.
        Traffic request rate: inf
        Burstiness factor: 1.0 (Poisson process)
        Maximum request concurrency: 32
        100%|██████████| 320/320 [02:30<00:00,  2.13it/s]
        ============ Serving Benchmark Result ============
        Successful requests:                     320
        Benchmark duration (s):                  150.87
        Total input tokens:                      327,680
        Total generated tokens:                  40960
        Request throughput (req/s):              2.12
        Output token throughput (tok/s):         271.49
        Total Token throughput (tok/s):          2443.40
        ---------------Time to First Token----------------
        Mean TTFT (ms):                          279.56
        Median TTFT (ms):                        199.88
        P99 TTFT (ms):                           999.46
        -----Time per Output Token (excl. 1st token)------
        Mean TPOT (ms):                          14.14
        Median TPOT (ms):                        14.23
        P99 TPOT (ms):                           18.63
        ---------------Inter-token Latency----------------
        Mean ITL (ms):                           14.14
        Median ITL (ms):                         13.15
        P99 ITL (ms):                            22.47
        ==================================================
        # Traffic request rate: 4.0
        # Burstiness factor: 1.0 (Poisson process)
        # Maximum request concurrency: None
        # ============ Serving Benchmark Result ============
        # Successful requests:                     400
        # Benchmark duration (s):                  101.00
        # Total input tokens:                      409600
        # Total generated tokens:                  51200
        # Output token throughput (tok/s):         506.93
        # Mean TTFT (ms):                          45.00
        # P99 TTFT (ms):                           91.50
        # Mean TPOT (ms):                          8.00
        # Mean ITL (ms):                           7.90
        # Mean E2EL (ms):                          1060.00
        # ==================================================
        """;

    /// <summary>
    /// A <c>trtllm-bench throughput --streaming</c> report laid out as tensorrt_llm/bench/dataclasses/reporting.py prints it:
    /// Llama 3.1 8B in FP8 on one H100, 3,000 requests of 1,000 + 1,000 tokens, with the limits its heuristic gives that
    /// dataset (640 sequences, 2,048 tokens). The output throughput is the published one for that set-up (TensorRT-LLM's
    /// performance overview, data/published/trtllm-perf-overview.csv); the other figures are made up, consistent with it.
    /// </summary>
    /// <summary>
    /// trtllm-bench's report as the 2024 releases (0.12, 0.13) printed it: the layout of the sample in TensorRT-LLM 0.12.0's
    /// performance overview (docs/source/performance/perf-overview.md), with its figures.
    /// </summary>
    public const string TrtllmBench2024 = """
        ===========================================================
        = ENGINE DETAILS
        ===========================================================
        Model:                  meta-llama/Llama-2-7b-hf
        Engine Directory:       /tmp/meta-llama/Llama-2-7b-hf/tp_1_pp_1
        TensorRT-LLM Version:   0.12.0
        Dtype:                  float16
        KV Cache Dtype:         FP8
        Quantization:           FP8
        Max Input Length:       2048
        Max Sequence Length:    4098

        ===========================================================
        = WORLD + RUNTIME INFORMATION
        ===========================================================
        TP Size:                1
        PP Size:                1
        Max Runtime Batch Size: 4096
        Max Runtime Tokens:     8192
        Scheduling Policy:      Guaranteed No Evict
        KV Memory Percentage:   99.0%
        Issue Rate (req/sec):   3.680275266452667e+18
        ===========================================================
        = STATISTICS
        ===========================================================
        Number of requests:             3000
        Average Input Length (tokens):  128.0
        Average Output Length (tokens): 128.0
        Token Throughput (tokens/sec):  23405.927228471104
        Request Throughput (req/sec):   182.8588064724305
        Total Latency (seconds):        16.406100739
        ===========================================================
        """;

    public const string TrtllmBenchThroughput = """
        [TensorRT-LLM][INFO] Engine version 1.2.0rc1 found in the config file, assuming engine(s) built by new builder API.


        ===========================================================
        = PYTORCH BACKEND
        ===========================================================
        Model:			nvidia/Llama-3.1-8B-Instruct-FP8
        Model Path:		None
        TensorRT LLM Version:	1.2.0rc1
        Dtype:			bfloat16
        KV Cache Dtype:		FP8
        Quantization:		FP8

        ===========================================================
        = MACHINE DETAILS 
        ===========================================================
        NVIDIA H100 80GB HBM3, memory 79.19 GB, 2.62 GHz

        ===========================================================
        = REQUEST DETAILS 
        ===========================================================
        Number of requests:             3000
        Number of concurrent requests:  1523.0155
        Average Input Length (tokens):  1000.0000
        Average Output Length (tokens): 1000.0000
        ===========================================================
        = WORLD + RUNTIME INFORMATION 
        ===========================================================
        TP Size:                1
        PP Size:                1
        EP Size:                None
        Max Runtime Batch Size: 640
        Max Runtime Tokens:     2048
        Scheduling Policy:      GUARANTEED_NO_EVICT
        KV Memory Percentage:   90.00%
        Issue Rate (req/sec):   1.2381E+04

        ===========================================================
        = PERFORMANCE OVERVIEW 
        ===========================================================
        Request Throughput (req/sec):                     15.2200
        Total Output Throughput (tokens/sec):             15220.0000
        Total Token Throughput (tokens/sec):              30440.0000
        Total Latency (ms):                               197109.0670
        Average request latency (ms):                     100112.4211
        Per User Output Throughput [w/ ctx] (tps/user):   10.5530
        Per GPU Output Throughput (tps/gpu):              15220.0000
        Average time-to-first-token [TTFT] (ms):          58830.1195
        Average time-per-output-token [TPOT] (ms):        41.3231
        Per User Output Speed (tps/user):                 24.2178

        -- Per-Request Time-per-Output-Token [TPOT] Breakdown (ms)

        [TPOT] MINIMUM: 38.1090
        [TPOT] MAXIMUM: 44.9123
        [TPOT] AVERAGE: 41.3231
        [TPOT] P50    : 41.2002
        [TPOT] P90    : 43.7781
        [TPOT] P95    : 44.1033
        [TPOT] P99    : 44.8001

        -- Per-Request Time-to-First-Token [TTFT] Breakdown (ms) 

        [TTFT] MINIMUM: 412.0021
        [TTFT] MAXIMUM: 155310.4410
        [TTFT] AVERAGE: 58830.1195
        [TTFT] P50    : 57011.3212
        [TTFT] P90    : 139870.2219
        [TTFT] P95    : 147002.1180
        [TTFT] P99    : 153990.0017

        -- Per-Request Generation Throughput [GTPS] Breakdown (tps/user)

        [GTPS] MINIMUM: 22.2656
        [GTPS] MAXIMUM: 26.2405
        [GTPS] AVERAGE: 24.2178
        [GTPS] P50    : 24.2717
        [GTPS] P90    : 25.6010
        [GTPS] P95    : 25.8121
        [GTPS] P99    : 26.1203

        -- Request Latency Breakdown (ms) -----------------------

        [Latency] P50    : 98870.1102
        [Latency] P90    : 181200.3301
        [Latency] P95    : 188811.2020
        [Latency] P99    : 195010.7711
        [Latency] MINIMUM: 41530.4401
        [Latency] MAXIMUM: 197001.1133
        [Latency] AVERAGE: 100112.4211

        ===========================================================
        """;

    /// <summary>
    /// An AIPerf aggregate export (<c>profile_export_aiperf.json</c>) laid out as its documentation shows: a closed loop of
    /// 16 users streaming 1,024-token prompts and 128-token answers from Llama 3.1 8B on one H100, GPU telemetry on. The
    /// figures are made up.
    /// </summary>
    public const string AiperfExport = """
        {
          "request_throughput": { "unit": "requests/sec", "avg": 13.4123 },
          "request_latency": { "unit": "ms", "avg": 1192.61, "p50": 1188.2, "p90": 1240.37, "p99": 1302.55, "min": 1101.9, "max": 1320.4, "std": 31.2 },
          "time_to_first_token": { "unit": "ms", "avg": 62.41, "p50": 55.1, "p90": 91.02, "p99": 120.48, "min": 31.7, "max": 131.9, "std": 19.8 },
          "inter_token_latency": { "unit": "ms", "avg": 8.899, "p50": 8.87, "p90": 9.21, "p99": 9.64, "min": 8.41, "max": 9.8, "std": 0.22 },
          "output_token_throughput": { "unit": "tokens/sec", "avg": 1716.77 },
          "output_token_throughput_per_user": { "unit": "tokens/sec/user", "avg": 112.37 },
          "input_sequence_length": { "unit": "tokens", "avg": 1024.0, "p50": 1024.0, "min": 1024.0, "max": 1024.0 },
          "output_sequence_length": { "unit": "tokens", "avg": 128.0, "p50": 128.0, "min": 128.0, "max": 128.0 },
          "benchmark_duration": { "unit": "sec", "avg": 23.8587 },
          "request_count": { "unit": "requests", "avg": 320.0 },
          "total_isl": { "unit": "tokens", "avg": 327680.0 },
          "total_osl": { "unit": "tokens", "avg": 40960.0 },
          "was_cancelled": false,
          "error_summary": [],
          "error_request_count": null,
          "telemetry_data": {
            "endpoints": {
              "localhost:9400": {
                "gpus": { "gpu_0": { "gpu_index": 0, "gpu_name": "NVIDIA H100 80GB HBM3", "metrics": {} } }
              }
            }
          },
          "input_config": {
            "endpoint": { "model_names": ["meta-llama/Llama-3.1-8B-Instruct"], "type": "chat", "streaming": true, "url": "localhost:8000" },
            "input": { "prompt": { "input_tokens": { "mean": 1024 }, "output_tokens": { "mean": 128 } } },
            "loadgen": { "concurrency": 16, "request_count": 320 }
          }
        }
        """;
}
