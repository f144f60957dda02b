namespace ClusterSim.Experiments.Replay;

/// <summary>One measured row beside its simulation: signed relative errors (simulated / measured − 1), NaN where unmeasured.</summary>
public sealed record ReplayOutcome(ReplayCase Case, MeasuredRun Row, SimulatedStage Simulated)
{
    public double TtftError => Error(Simulated.TtftMs, Row.TtftMs);
    public double ItlError => Error(Simulated.ItlMs, Row.ItlMs);
    public double E2eError => Error(Simulated.E2eMs, Row.E2eMs);
    public double ThroughputError => Error(Simulated.OutputTokensPerSecond, Row.ThroughputTokensPerSecond);

    /// <summary>
    /// True when queueing dominated the measurement (mean TTFT over a second, or clients timing out): its latencies
    /// depend on how long the overload lasted more than on step times, so fits leave it out (replays still score it).
    /// </summary>
    public bool Saturated => Row.TtftMs > 1000 || Row.FailedRequests > 0;

    /// <summary>
    /// True for the rows the headline errors are taken over: each load stage of a staged run, or the whole run when it
    /// had one stage.
    /// </summary>
    public bool Scored => !Row.IsWholeRun || Case.Stages.Count == 1 || !Case.Rows.Any(r => !r.IsWholeRun);

    private static double Error(double simulated, double? measured) =>
        measured is > 0 and double m && double.IsFinite(simulated) ? (simulated / m) - 1 : double.NaN;
}
