namespace ClusterSim.Reporting.Report;

/// <summary>
/// Which way a metric is better, read from its name: costs, latencies, times and losses are better lower; throughput,
/// quality and shares met are better higher. Anything else has no winner (a fleet size, a rate), and a chart marks none.
/// </summary>
public static class MetricDirection
{
    private static readonly string[] Lower = ["cost", "usd", "latency", "ttft", "tpot", "e2e", "days", "hours", "lost", "payback", "kwh", "energy", "preempt", "queue", "wait", "price"];
    private static readonly string[] Higher = ["throughput", "tok_s", "goodput", "quality", "accuracy", "attainment", "hit_rate", "met", "served_share", "mfu", "tokens_per_s", "_per_s"];

    /// <summary>−1 when lower is better, +1 when higher is, 0 when the name does not say.</summary>
    public static int Better(string metric)
    {
        string last = metric[(metric.LastIndexOf('.') + 1)..];
        if (Higher.Any(h => last.Contains(h, StringComparison.Ordinal)))
        {
            return 1;
        }

        return Lower.Any(l => last.Contains(l, StringComparison.Ordinal)) ? -1 : 0;
    }
}
