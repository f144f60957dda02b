namespace ClusterSim.Experiments.Calibration;

/// <summary>Reads and names <see cref="FitMetrics"/> as <c>calibrate --metrics</c> spells them.</summary>
public static class FitMetricsParser
{
    private static readonly (string Name, FitMetrics Metric)[] Names =
    [
        ("ttft", FitMetrics.Ttft), ("ttft-median", FitMetrics.TtftMedian), ("itl", FitMetrics.Itl), ("e2e", FitMetrics.E2e), ("throughput", FitMetrics.Throughput), ("tpot-median", FitMetrics.TpotMedian),
    ];

    /// <summary>The names, comma-separated, in the order <see cref="Parse"/> accepts them.</summary>
    public static string Known => string.Join(", ", Names.Select(n => n.Name));

    /// <summary>Parses a comma-separated list (<c>itl,e2e</c>); an unknown or empty list is an <see cref="ArgumentException"/> naming the known ones.</summary>
    public static FitMetrics Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        FitMetrics metrics = FitMetrics.None;
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int i = Array.FindIndex(Names, n => n.Name.Equals(part, StringComparison.OrdinalIgnoreCase));
            metrics |= i >= 0 ? Names[i].Metric : throw new ArgumentException($"'{part}' is not a metric; expected some of {Known}");
        }

        return metrics == FitMetrics.None ? throw new ArgumentException($"no metric given; expected some of {Known}") : metrics;
    }

    /// <summary>The metrics' names, comma-separated (<c>ttft, itl, e2e</c>).</summary>
    public static string Format(FitMetrics metrics) => string.Join(", ", Names.Where(n => metrics.HasFlag(n.Metric)).Select(n => n.Name));
}
