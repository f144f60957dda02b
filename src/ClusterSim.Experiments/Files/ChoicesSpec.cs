namespace ClusterSim.Experiments.Files;

/// <summary>
/// Alternatives for one service at the same traffic and SLO: the baseline (the experiment's <c>serving</c> section) and
/// its candidates, compared on cost per token, quality, up-front cost and the day each pays that cost back.
/// </summary>
public sealed record ChoicesSpec
{
    /// <summary>The baseline first, then the candidates in file order.</summary>
    public required IReadOnlyList<ChoiceCandidate> Candidates { get; init; }

    /// <summary>Output tokens the service answers per day.</summary>
    public required double OutputTokensPerDay { get; init; }
    public double HorizonDays { get; init; } = 365;

    /// <summary>Capacity held back from each replica's measured SLO capacity.</summary>
    public double Headroom { get; init; } = 0.2;

    /// <summary>Replicas in the cell whose SLO capacity is measured.</summary>
    public int CellReplicas { get; init; } = 2;

    public ChoiceCandidate Baseline => Candidates[0];
}
