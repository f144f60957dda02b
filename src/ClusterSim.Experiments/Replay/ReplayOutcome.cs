namespace ClusterSim.Experiments.Replay;

/// <summary>One measured row beside its simulation: signed relative errors (simulated / measured − 1), NaN where unmeasured.</summary>
public sealed record ReplayOutcome(ReplayCase Case, MeasuredRun Row, SimulatedStage Simulated)
{
    public double TtftError => Error(Simulated.TtftMs, Row.TtftMs);
    public double ItlError => Error(Simulated.ItlMs, Row.ItlMs);
    public double E2eError => Error(Simulated.E2eMs, Row.E2eMs);
    public double ThroughputError => Error(Simulated.OutputTokensPerSecond, Row.ThroughputTokensPerSecond);
    public double TtftP50Error => Error(Simulated.TtftP50Ms, Row.TtftP50Ms);
    public double TtftP90Error => Error(Simulated.TtftP90Ms, Row.TtftP90Ms);
    public double TtftP99Error => Error(Simulated.TtftP99Ms, Row.TtftP99Ms);
    public double E2eP90Error => Error(Simulated.E2eP90Ms, Row.E2eP90Ms);
    public double E2eP99Error => Error(Simulated.E2eP99Ms, Row.E2eP99Ms);
    public double TpotP50Error => Error(Simulated.TpotP50Ms, Row.TpotP50Ms);
    public double TpotP90Error => Error(Simulated.TpotP90Ms, Row.TpotP90Ms);
    public double TpotP99Error => Error(Simulated.TpotP99Ms, Row.TpotP99Ms);

    /// <summary>True for the rows the headline errors are taken over (see <see cref="ReplayCase.Scores"/>).</summary>
    public bool Scored => Case.Scores(Row);

    private static double Error(double simulated, double? measured) =>
        measured is > 0 and double m && double.IsFinite(simulated) ? (simulated / m) - 1 : double.NaN;
}
