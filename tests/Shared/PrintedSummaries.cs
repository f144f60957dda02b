namespace ClusterSim.Tests;

/// <summary>Benchmark summaries as vLLM prints them, shared by the reader's tests, the replay command's test and the fuzz runs.</summary>
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
}
