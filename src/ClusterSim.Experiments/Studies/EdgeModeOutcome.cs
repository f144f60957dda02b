namespace ClusterSim.Experiments.Studies;

/// <summary>How one way of serving the assistant (cloud, edge or hybrid) looks to its users and what it costs per user.</summary>
public sealed record EdgeModeOutcome
{
    public required string Mode { get; init; }
    public required double TtftP50Seconds { get; init; }
    public required double TtftP95Seconds { get; init; }

    /// <summary>Median streaming rate a user sees once the answer starts, output tokens per second.</summary>
    public required double TokensPerSecond { get; init; }
    public required double UsdPerUserMonth { get; init; }

    /// <summary>Share of requests no one answers (asked while offline of a cloud-only service).</summary>
    public required double LostShare { get; init; }
    public required double Quality { get; init; }
}
