namespace ClusterSim.Experiments.Replay;

/// <summary>Simulated means over the requests that arrived in one load stage (or the whole run), milliseconds.</summary>
/// <remarks><see cref="TimedOut"/> counts requests whose client gave up (whole-run figures only; 0 for a stage).</remarks>
public readonly record struct SimulatedStage(double TtftMs, double ItlMs, double E2eMs, double OutputTokensPerSecond, long Requests, long TimedOut = 0)
{
    /// <summary>Tails over the same requests (within the sketches' 0.5 % relative error), ms; NaN without requests.</summary>
    public double TtftP50Ms { get; init; } = double.NaN;
    public double TtftP90Ms { get; init; } = double.NaN;
    public double TtftP99Ms { get; init; } = double.NaN;
    public double E2eP90Ms { get; init; } = double.NaN;
    public double E2eP99Ms { get; init; } = double.NaN;

    /// <summary>
    /// Percentiles over requests of their time per output token after the first (TPOT as vLLM's benchmark and MLPerf
    /// compute it: (E2E − TTFT) / (output − 1)), ms; NaN when no request produced two tokens.
    /// </summary>
    public double TpotP50Ms { get; init; } = double.NaN;
    public double TpotP90Ms { get; init; } = double.NaN;
    public double TpotP99Ms { get; init; } = double.NaN;

    /// <summary>This stage with its TPOT percentiles read from <paramref name="tpot"/> (seconds a token), NaN when it is empty.</summary>
    public SimulatedStage WithTokenTails(Core.Metrics.QuantileSketch tpot)
    {
        ArgumentNullException.ThrowIfNull(tpot);
        return tpot.Count == 0 ? this : this with { TpotP50Ms = tpot.Quantile(0.50) * 1e3, TpotP90Ms = tpot.Quantile(0.90) * 1e3, TpotP99Ms = tpot.Quantile(0.99) * 1e3 };
    }
}
