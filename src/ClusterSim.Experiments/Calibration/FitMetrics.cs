namespace ClusterSim.Experiments.Calibration;

/// <summary>
/// The measured metrics a fit's objective scores (<c>calibrate --metrics</c>). By default a row's mean TTFT, ITL and
/// end-to-end latency, or its output throughput when it publishes none of them. Naming <see cref="Throughput"/> scores it
/// beside the latencies; <see cref="TtftMedian"/> scores the median TTFT where a row publishes one, for runs whose mean a
/// few slow first tokens set (stalls the model has no cause for); <see cref="TpotMedian"/> the median time per output
/// token, for harnesses that publish percentiles and no means (AccelMark).
/// </summary>
[Flags]
public enum FitMetrics
{
    None = 0,
    Ttft = 1,
    TtftMedian = 2,
    Itl = 4,
    E2e = 8,
    Throughput = 16,
    TpotMedian = 32,

    /// <summary>Mean TTFT, ITL and E2E; throughput only for rows that publish none of them.</summary>
    Default = Ttft | Itl | E2e,
}
