using System.Globalization;

namespace ClusterSim.Core.Metrics;

/// <summary>
/// Every scalar a result reports, by key: the summary CSV, the summary table and the report read names and units from
/// here, and a test holds every result type to it, so a metric cannot be renamed in one place and not another.
/// Latency families (<c>ttft</c>, <c>tpot</c>, <c>itl</c>, <c>e2e</c> × mean/p50/p90/p99) and the industry's yearly
/// spend (<c>training_usd_YYYY</c>, <c>inference_usd_YYYY</c>) are keys made from a pattern.
/// </summary>
public static class MetricCatalog
{
    private static readonly MetricInfo[] Fixed =
    [
        // Serving
        new("requests_completed", "requests completed", "requests"),
        new("requests_dropped", "requests dropped (longer than the context, or the KV cache cannot ever hold them)", "requests"),
        new("requests_over_context", "requests refused for being longer than the server's context", "requests"),
        new("requests_cut_at_context", "requests whose answers the server cut at its context (clients sending no max_tokens)", "requests"),
        new("requests_timed_out", "requests the client gave up on", "requests"),
        new("preemptions", "sequences preempted to free KV cache", "sequences"),
        new("response_cache_hit_rate", "response-cache hit rate", "share"),
        new("prefix_hit_rate", "prompt tokens found in the prefix cache", "share"),
        new("prefix_host_hit_rate", "prompt tokens loaded from host memory", "share"),
        new("prefilled_locally", "requests a conditional split prefilled on their decode replica", "share"),
        new("duration_s", "simulated duration", "s"),
        new("warmup_s", "warm-up left out of the figures (warmup_s: auto, MSER-5)", "s"),
        new("throughput_output_tok_s", "output throughput (tok/s)", "tok/s"),
        new("throughput_input_tok_s", "input throughput (tok/s)", "tok/s"),
        new("throughput_output_tok_s_per_accel", "output throughput per accelerator (tok/s)", "tok/s"),
        new("requests_per_s", "completed requests per second", "req/s"),
        new("goodput_req_s", "goodput (requests/s within the SLO)", "req/s"),
        new("slo_attainment", "share of requests within the SLO", "share"),
        new("utilisation", "share of replica time busy", "share"),
        new("prefill_utilisation", "share of the prefill replicas' time busy (disaggregated)", "share"),
        new("decode_utilisation", "share of the decode replicas' time busy (disaggregated)", "share"),
        new("compute_bound_share", "share of iterations bound by compute", "share"),
        new("iterations", "batch iterations", "iterations"),
        new("events", "simulation events fired", "events"),
        new("moe_imbalance_mean", "expert load imbalance (busiest / mean accelerator)", "ratio"),
        new("moe_imbalance_p99", "expert load imbalance, p99", "ratio"),
        new("moe_dropped_token_rate", "tokens dropped by expert capacity", "share"),
        new("moe_time_vs_dense", "iteration time vs a dense model of the same active size", "ratio"),
        new("tt_requests", "test-time requests answered", "requests"),
        new("tt_accuracy", "expected accuracy", "share"),
        new("tt_samples_per_request", "samples per request", "samples"),
        new("tt_output_tokens_per_request", "output tokens per request", "tokens"),
        new("tt_thinking_tokens_per_request", "thinking tokens per request", "tokens"),
        new("tt_accelerator_seconds_per_request", "accelerator seconds per request", "s"),
        new("tt_cost_per_1k_requests_usd", "cost per 1,000 requests", "USD"),
        new("tt_latency_p50_s", "answer latency p50", "s"),
        new("tt_latency_p90_s", "answer latency p90", "s"),
        new("tt_latency_p99_s", "answer latency p99", "s"),

        // Training
        new("wall_days", "wall-clock days", "days"),
        new("accelerator_hours", "accelerator-hours", "hours"),
        new("cost_usd", "cost", "USD"),
        new("energy_mwh", "facility energy", "MWh"),
        new("mfu_step", "MFU of one step", "share"),
        new("mfu_run", "MFU over the whole run", "share"),
        new("hardware_tflops_per_accel", "hardware TFLOP/s per accelerator", "TFLOP/s"),
        new("tokens_per_s_per_accel", "training tokens per second per accelerator", "tok/s"),
        new("step_s", "step time", "s"),
        new("step_compute_s", "step compute time", "s"),
        new("step_memory_bound_s", "step element-wise (memory-bound) time", "s"),
        new("step_communication_s", "step communication time (exposed)", "s"),
        new("step_tensor_parallel_s", "step tensor-parallel communication", "s"),
        new("step_data_parallel_s", "step data-parallel communication (exposed)", "s"),
        new("step_expert_parallel_s", "step expert all-to-all (exposed)", "s"),
        new("step_bubble_s", "step pipeline bubble", "s"),
        new("memory_gb_per_accel", "memory per accelerator", "GB"),
        new("steps", "optimizer steps", "steps"),
        new("effective_training_fraction", "share of wall time on kept steps", "share"),
        new("failures", "failures", "failures"),
        new("lost_hours", "hours of work lost to failures", "hours"),
        new("checkpoints", "checkpoints written", "checkpoints"),
        new("planned_interruptions", "planned interruptions", "interruptions"),
        new("checkpoint_interval_s", "checkpoint interval", "s"),
        new("expert_imbalance", "expert load imbalance of a training step (busiest / mean accelerator)", "ratio"),

        // Lifecycle and fleet
        new("training_days", "training days", "days"),
        new("training_accelerator_hours", "training accelerator-hours", "hours"),
        new("training_cost_usd", "training bill", "USD"),
        new("training_mfu", "training MFU over the run", "share"),
        new("replica_tok_s_at_slo", "output tokens per second per replica at the SLO", "tok/s"),
        new("inference_cost_usd", "inference bill", "USD"),
        new("inference_idle_share", "share of serving hours idle", "share"),
        new("launch_day", "launch day (from the start of training)", "days"),
        new("crossover_day", "day inference spend overtakes training", "days"),
        new("crossover_days_after_launch", "days from launch to crossover", "days"),
        new("fleet_accelerators_at_launch", "fleet size (accelerators)", "accelerators"),
        new("fleet_accelerators_at_end", "fleet size at the end (accelerators)", "accelerators"),
        new("cost_per_mtok_at_launch", "cost per million output tokens", "USD"),
        new("cost_per_mtok_at_end", "cost per million output tokens at the end", "USD"),
        new("tokens_served", "output tokens served", "tokens"),

        // Industry
        new("industry_crossover_year", "year inference spend overtakes training", "year"),

        // Shared cluster
        new("cluster_utilisation", "share of the cluster's accelerator-hours held by a workload", "share"),
        new("training_share", "share of accelerator-hours held by training", "share"),
        new("serving_share", "share of accelerator-hours held by serving", "share"),
        new("idle_share", "share of accelerator-hours idle", "share"),
        new("serving_cost_usd", "serving bill", "USD"),
        new("idle_cost_usd", "cost of idle accelerators (and of those in planned maintenance)", "USD"),
        new("jobs_finished", "training jobs finished", "jobs"),
        new("cost_per_mtok", "whole cluster's cost (idle included) per million output tokens served", "USD"),
        new("job_preemptions", "training jobs preempted by serving or moved off for planned maintenance", "preemptions"),
        new("job_failures", "training job failures (restarts from the last checkpoint)", "failures"),
        new("cloud_fleet_accelerators", "cloud accelerators for the whole user population", "accelerators"),
        new("lost_accelerator_hours", "accelerator-hours of training lost to preemption and failure", "hours"),
    ];

    /// <summary>Per-workload keys: a shared cluster's <c>pool.NAME.*</c>, <c>job.STREAM.*</c>, <c>deployment.NAME.*</c>; a comparison's <c>choice.NAME.*</c>; a request class's <c>class.NAME.*</c>.</summary>
    private static readonly Dictionary<string, Dictionary<string, (string Readable, string Unit)>> Workloads = new(StringComparer.Ordinal)
    {
        ["pool"] = new(StringComparer.Ordinal)
        {
            ["utilisation"] = ("share of the pool's accelerator-hours held", "share"),
            ["maintenance_hours"] = ("accelerator-hours offline for planned maintenance", "hours"),
        },
        ["job"] = new(StringComparer.Ordinal)
        {
            ["finished"] = ("jobs finished", "jobs"),
            ["days"] = ("days from submission to the last token (mean over finished jobs)", "days"),
            ["progress"] = ("share of tokens trained (mean over jobs)", "share"),
            ["queued_hours"] = ("hours queued for a gang (mean over jobs)", "hours"),
            ["preemptions"] = ("preemptions", "preemptions"),
            ["resizes"] = ("elastic resizes", "resizes"),
            ["failures"] = ("failures", "failures"),
            ["lost_accelerator_hours"] = ("accelerator-hours lost to preemption and failure", "hours"),
            ["restart_hours"] = ("hours spent restarting", "hours"),
            ["cost_usd"] = ("cost", "USD"),
            ["elastic_efficiency"] = ("an elastic job's tokens per accelerator-second at elastic_max over those at its planned size", "ratio"),
        },
        ["class"] = new(StringComparer.Ordinal)
        {
            ["requests_completed"] = ("requests completed", "requests"),
            ["slo_attainment"] = ("share of completed requests meeting the SLO", "share"),
            ["preemptions"] = ("preemptions", "preemptions"),
            ["ttft_p50_s"] = ("median TTFT", "s"),
            ["ttft_p99_s"] = ("99th-percentile TTFT", "s"),
            ["tpot_p50_s"] = ("median TPOT", "s"),
            ["tpot_p99_s"] = ("99th-percentile TPOT", "s"),
            ["e2e_p50_s"] = ("median end-to-end latency", "s"),
            ["e2e_p99_s"] = ("99th-percentile end-to-end latency", "s"),
        },
        ["choice"] = new(StringComparer.Ordinal)
        {
            ["cost_per_mtok"] = ("cost per million output tokens", "USD"),
            ["quality"] = ("accuracy delivered", "share"),
            ["upfront_usd"] = ("up-front cost (teacher tokens, training, fixed)", "USD"),
            ["payback_days"] = ("days to repay the up-front cost", "days"),
            ["serving_usd_per_day"] = ("serving cost per day", "USD"),
            ["total_usd"] = ("up-front plus serving cost over the horizon", "USD"),
            ["replica_tok_s"] = ("output tokens/s per replica at the SLO", "tokens/s"),
            ["training_days"] = ("days of its own training run", "days"),
        },
        ["mode"] = new(StringComparer.Ordinal)
        {
            ["ttft_p50_s"] = ("median TTFT (network included)", "s"),
            ["ttft_p95_s"] = ("95th-percentile TTFT (network included)", "s"),
            ["tokens_per_s"] = ("median streaming rate a user sees", "tokens/s"),
            ["usd_per_user_month"] = ("cost per user per month", "USD"),
            ["lost_share"] = ("share of requests unanswered (offline)", "share"),
            ["quality"] = ("accuracy delivered", "share"),
        },
        ["deployment"] = new(StringComparer.Ordinal)
        {
            ["slo_attainment"] = ("share of demand served within the SLO", "share"),
            ["replicas_mean"] = ("mean replicas", "replicas"),
            ["accelerators_peak"] = ("peak accelerators", "accelerators"),
            ["cost_per_mtok"] = ("cost per million output tokens", "USD"),
            ["cost_usd"] = ("cost", "USD"),
            ["requests_completed"] = ("requests completed (request level)", "requests"),
            ["requests_dropped"] = ("requests dropped (request level)", "requests"),
            ["requests_over_context"] = ("requests refused for being longer than the server's context (among those dropped)", "requests"),
            ["requests_cut_at_context"] = ("requests whose answers the server cut at its context (clients sending no max_tokens)", "requests"),
            ["prefilled_locally"] = ("requests conditional units prefilled on their decode replica (request level)", "share"),
        },
    };

    private static readonly string[] LatencyFamilies = ["ttft", "tpot", "itl", "e2e"];
    private static readonly Dictionary<string, MetricInfo> ByKey = Fixed.ToDictionary(m => m.Key, StringComparer.Ordinal);

    /// <summary>Every key of fixed spelling, in catalog order.</summary>
    public static IReadOnlyList<MetricInfo> All => Fixed;

    /// <summary>Every key of fixed spelling and every latency key (<c>ttft_p99_s</c>, ...): what a misspelt key is matched against.</summary>
    public static IEnumerable<string> Keys => Fixed.Select(m => m.Key)
        .Concat(LatencyFamilies.SelectMany(f => new[] { "mean", "p50", "p90", "p99" }.Select(s => $"{f}_{s}_s")));

    /// <summary>The metric behind <paramref name="key"/>, or null when no result reports it.</summary>
    public static MetricInfo? Find(string key)
    {
        if (ByKey.TryGetValue(key, out MetricInfo? info))
        {
            return info;
        }

        int firstDot = key.IndexOf('.', StringComparison.Ordinal), lastDot = key.LastIndexOf('.');
        if (firstDot > 0 && lastDot > firstDot + 1 && Workloads.TryGetValue(key[..firstDot], out var stats) && stats.TryGetValue(key[(lastDot + 1)..], out var stat))
        {
            return new MetricInfo(key, $"{key[(firstDot + 1)..lastDot]}: {stat.Readable}", stat.Unit);
        }

        string[] parts = key.Split('_');
        if (parts.Length == 3 && parts[2] == "s" && LatencyFamilies.Contains(parts[0]) && Statistic(parts[1]) is { } statistic)
        {
            return new MetricInfo(key, $"{statistic} {LatencyName(parts[0])} (s)", "s");
        }

        if (parts.Length == 3 && parts[1] == "usd" && parts[0] is "training" or "inference"
            && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out int year) && year is >= 1990 and <= 2100)
        {
            return new MetricInfo(key, $"{parts[0]} spend in {year}", "USD");
        }

        return null;
    }

    /// <summary>A readable name for <paramref name="key"/>; unknown keys read with spaces for underscores.</summary>
    public static string Readable(string key) => Find(key)?.Readable ?? key.Replace('_', ' ');

    private static string? Statistic(string part) => part switch
    {
        "mean" => "mean",
        "p50" => "median",
        "p90" => "p90",
        "p99" => "p99",
        _ => null,
    };

    private static string LatencyName(string family) => family switch
    {
        "ttft" => "time to first token",
        "tpot" => "time per output token",
        "itl" => "inter-token latency",
        _ => "end-to-end latency",
    };
}
