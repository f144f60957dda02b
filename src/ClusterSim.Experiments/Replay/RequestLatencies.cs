namespace ClusterSim.Experiments.Replay;

/// <summary>Each successful request's TTFT and end-to-end latency, ms, in sending order.</summary>
internal sealed record RequestLatencies(double[] TtftMs, double[] E2eMs)
{
    public double Ttft(double percent) => Percentile(TtftMs, percent);

    public double E2e(double percent) => Percentile(E2eMs, percent);

    /// <summary>The <paramref name="percent"/>-th percentile as numpy computes it (linear between the two nearest ranks).</summary>
    private static double Percentile(double[] values, double percent)
    {
        double[] sorted = [.. values.Order()];
        double rank = percent / 100 * (sorted.Length - 1);
        int below = (int)Math.Floor(rank);
        int above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + ((rank - below) * (sorted[above] - sorted[below]));
    }
}
