namespace ClusterSim.Experiments.Replay;

/// <summary>One measured row beside its simulation: signed relative errors (simulated / measured − 1), NaN where unmeasured.</summary>
public sealed record ReplayOutcome(ReplayCase Case, MeasuredRun Row, SimulatedStage Simulated)
{
    public double TtftError => Error(Simulated.TtftMs, Row.TtftMs);
    public double ItlError => Error(Simulated.ItlMs, Row.ItlMs);
    public double E2eError => Error(Simulated.E2eMs, Row.E2eMs);
    public double ThroughputError => Error(Simulated.OutputTokensPerSecond, Row.ThroughputTokensPerSecond);

    /// <summary>
    /// Why this row cannot be matched by any serving model, or null: an overloaded run whose failed requests left only the
    /// survivors in the measured latencies.
    /// </summary>
    public string? KnownMiss => Row.FailedRequests is > 0 and int failed
        ? $"overloaded: {failed} requests failed, so the measured latencies cover the survivors only"
        : null;

    /// <summary>
    /// True for the rows the headline errors are taken over: each load stage of a staged run, or the whole run when it
    /// had one stage, and never a known miss.
    /// </summary>
    public bool Scored => KnownMiss is null && (Row.IsWholeRun ? Case.Stages.Count == 1 || !Case.Rows.Any(r => !r.IsWholeRun) : true);

    private static double Error(double simulated, double? measured) =>
        measured is > 0 and double m && double.IsFinite(simulated) ? (simulated / m) - 1 : double.NaN;
}
