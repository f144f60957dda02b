using ClusterSim.Core.Metrics;

namespace ClusterSim.Core.Inference;

/// <summary>What one serving run measured.</summary>
public sealed record ServingResult : ISimulationResult
{
    public required ServingMetrics Metrics { get; init; }

    /// <summary>Per-logical-request outcomes of a test-time-compute policy; null without one.</summary>
    public TestTime.TestTimeMetrics? TestTime { get; init; }
    public TestTime.TestTimeOptions? TestTimeOptions { get; init; }

    /// <summary>Accelerator-seconds spent running iterations (busy time × accelerators per replica).</summary>
    public double BusyAcceleratorSeconds { get; init; }

    /// <summary>Simulated seconds from the first arrival to the last completion.</summary>
    public double DurationSeconds { get; init; }
    public long InFlightAtEnd { get; init; }
    public int Accelerators { get; init; }
    public long EventsFired { get; init; }

    /// <summary>Mean fraction of time replicas were running iterations.</summary>
    public double Utilisation { get; init; }

    /// <summary>
    /// Disaggregated: the mean busy share of the prefill replicas and of the decode replicas, apart (which pool bounds
    /// the split, and what each draws); null when every replica prefills and decodes.
    /// </summary>
    public (double Prefill, double Decode)? PoolUtilisation { get; init; }

    /// <summary>
    /// Simulated seconds over which the measured requests were served: from the end of the warm-up (or the first
    /// arrival) to the last completion. Rates divide by it, so warm-up requests leave both numerator and denominator.
    /// </summary>
    public double MeasuredSeconds { get; init; }

    public double OutputTokensPerSecond => Metrics.OutputTokens / MeasuredSeconds;
    public double InputTokensPerSecond => Metrics.PromptTokens / MeasuredSeconds;
    public double RequestsPerSecond => Metrics.Completed / MeasuredSeconds;

    /// <summary>Requests per second that met the SLO.</summary>
    public double GoodputPerSecond => Metrics.MeetingSlo / MeasuredSeconds;

    /// <summary>Share of busy time in compute-bound iterations.</summary>
    public double ComputeBoundShare => Metrics.BusyNanos == 0 ? 0 : Metrics.ComputeBoundNanos / (double)Metrics.BusyNanos;

    /// <summary>Closed loop: completions per second while the loop was still issuing requests (excludes the final drain); NaN otherwise.</summary>
    public double SustainedRequestsPerSecond { get; init; }

    /// <summary>Arrived = completed + dropped, with nothing left in flight once every event has run (over all requests, warm-up included).</summary>
    public bool Conserved { get; init; }

    /// <summary>Named scalar metrics in a stable order, for tables, CSV and JSON.</summary>
    public IReadOnlyList<(string Name, double Value)> Scalars()
    {
        ServingMetrics m = Metrics;
        return
        [
            ("requests_completed", m.Completed),
            ("requests_dropped", m.Dropped),
            ("requests_over_context", m.OverContext),
            .. (m.ServerCapsOutput ? [("requests_cut_at_context", (double)m.CutAtContext)] : Array.Empty<(string, double)>()),
            .. (m.HasClientTimeout ? [("requests_timed_out", (double)m.TimedOut)] : Array.Empty<(string, double)>()),
            ("preemptions", m.Preemptions),
            .. (m.HasResponseCache ? [("response_cache_hit_rate", m.ResponseCacheLookups == 0 ? 0 : m.ResponseCacheHits / (double)m.ResponseCacheLookups)] : Array.Empty<(string, double)>()),
            .. (m.HasPrefixCache ? [("prefix_hit_rate", m.PrefixLookupTokens == 0 ? 0 : m.PrefixHitTokens / (double)m.PrefixLookupTokens)] : Array.Empty<(string, double)>()),
            .. (m.PrefilledLocally is { } local ? [("prefilled_locally", local)] : Array.Empty<(string, double)>()),
            .. (m.HasKvOffload ? [("prefix_host_hit_rate", m.PrefixLookupTokens == 0 ? 0 : m.PrefixLoadedTokens / (double)m.PrefixLookupTokens)] : Array.Empty<(string, double)>()),
            ("duration_s", DurationSeconds),
            ("throughput_output_tok_s", OutputTokensPerSecond),
            ("throughput_input_tok_s", InputTokensPerSecond),
            ("throughput_output_tok_s_per_accel", OutputTokensPerSecond / Accelerators),
            ("requests_per_s", RequestsPerSecond),
            ("goodput_req_s", GoodputPerSecond),
            ("slo_attainment", m.Completed == 0 ? 0 : m.MeetingSlo / (double)m.Completed),
            .. Latency("ttft", m.Ttft),
            .. Latency("tpot", m.Tpot),
            .. Latency("itl", m.InterToken),
            .. Latency("e2e", m.EndToEnd),
            ("utilisation", Utilisation),
            .. (PoolUtilisation is { } pools ? [("prefill_utilisation", pools.Prefill), ("decode_utilisation", pools.Decode)] : Array.Empty<(string, double)>()),
            ("compute_bound_share", ComputeBoundShare),
            ("iterations", m.Iterations),
            ("events", EventsFired),
            .. TestTimeScalars(),
            .. MoeScalars(),
            .. (m.Classes ?? []).SelectMany(c => c.Scalars()),
        ];
    }

    private (string, double)[] MoeScalars()
    {
        ServingMetrics m = Metrics;
        if (m.RoutedTokens == 0)
        {
            return [];
        }

        return
        [
            ("moe_imbalance_mean", m.ExpertImbalance.Mean),
            ("moe_imbalance_p99", m.ExpertImbalance.Quantile(0.99)),
            ("moe_dropped_token_rate", m.DroppedTokens / (double)m.RoutedTokens),
            ("moe_time_vs_dense", m.MoeNanos / (double)Math.Max(1, m.DenseEquivalentNanos)),
        ];
    }

    private (string, double)[] TestTimeScalars()
    {
        if (TestTime is not { } t)
        {
            return [];
        }

        double perRequest = t.Completed == 0 ? double.NaN : 1.0 / t.Completed;
        double acceleratorSeconds = BusyAcceleratorSeconds * perRequest;
        return
        [
            ("tt_requests", t.Completed),
            ("tt_accuracy", t.Accuracy),
            ("tt_samples_per_request", t.Samples * perRequest),
            ("tt_output_tokens_per_request", t.OutputTokens * perRequest),
            ("tt_thinking_tokens_per_request", t.ThinkingTokens * perRequest),
            ("tt_accelerator_seconds_per_request", acceleratorSeconds),
            ("tt_cost_per_1k_requests_usd", acceleratorSeconds * 1000 * (TestTimeOptions?.PricePerHour ?? 0) / 3600),
            ("tt_latency_p50_s", t.Latency.Quantile(0.50)),
            ("tt_latency_p90_s", t.Latency.Quantile(0.90)),
            ("tt_latency_p99_s", t.Latency.Quantile(0.99)),
        ];
    }

    /// <inheritdoc/>
    public SeriesTable Series()
    {
        ServingMetrics m = Metrics;
        int n = new[] { m.QueueLength, m.RunningSequences, m.KvOccupancy, m.TtftP50, m.TtftP99, m.TpotP50, m.TpotP99 }.Min(s => s.Values.Count);
        if (m.RoutedTokens > 0)
        {
            n = Math.Min(n, m.ExpertImbalanceSeries.Values.Count);
        }

        double interval = m.QueueLength.IntervalNanos / 1e9;
        return new SeriesTable(
            Enumerable.Range(0, n).Select(i => i * interval).ToArray(),
            [
                new("queue_length", "requests", m.QueueLength.Values.Take(n).ToArray()),
                new("running_sequences", "sequences", m.RunningSequences.Values.Take(n).ToArray()),
                new("kv_occupancy", "share", m.KvOccupancy.Values.Take(n).ToArray()),
                new("ttft_p50_s", "s", m.TtftP50.Values.Take(n).ToArray()),
                new("ttft_p99_s", "s", m.TtftP99.Values.Take(n).ToArray()),
                new("tpot_p50_s", "s", m.TpotP50.Values.Take(n).ToArray()),
                new("tpot_p99_s", "s", m.TpotP99.Values.Take(n).ToArray()),
                .. (m.RoutedTokens > 0 ? [new SeriesColumn("expert_imbalance", "ratio", m.ExpertImbalanceSeries.Values.Take(n).ToArray())] : Array.Empty<SeriesColumn>()),
            ]);
    }

    /// <inheritdoc/>
    public QuantileTable Quantiles()
    {
        IReadOnlyList<double> levels = QuantileTable.StandardLevels;
        return new QuantileTable(levels,
        [
            new("ttft_s", "s", levels.Select(Metrics.Ttft.Quantile).ToArray()),
            new("tpot_s", "s", levels.Select(Metrics.Tpot.Quantile).ToArray()),
            new("e2e_s", "s", levels.Select(Metrics.EndToEnd.Quantile).ToArray()),
        ]);
    }

    private static (string, double)[] Latency(string name, QuantileSketch sketch) =>
    [
        ($"{name}_mean_s", sketch.Mean),
        ($"{name}_p50_s", sketch.Quantile(0.50)),
        ($"{name}_p90_s", sketch.Quantile(0.90)),
        ($"{name}_p99_s", sketch.Quantile(0.99)),
    ];
}
