using ClusterSim.Core.Economics;

namespace ClusterSim.Experiments.Files;

/// <summary>The <c>lifecycle:</c> section: demand, horizon, autoscaling and the cost model; the training and serving sections supply the rest.</summary>
public sealed record LifecycleSpec
{
    public required DemandCurve Demand { get; init; }
    public double ServingDays { get; init; } = 730;
    public double Headroom { get; init; } = 0.2;
    public double ColdStartSeconds { get; init; } = 600;
    public double SoftwareGainPerYear { get; init; }
    public required CostModel Cost { get; init; }

    /// <summary>Calendar date the model launches (yyyy-mm-dd), for labelling the crossover; optional.</summary>
    public DateOnly? LaunchDate { get; init; }

    /// <summary>Replicas simulated together to measure one replica's capacity at the SLO.</summary>
    public int CellReplicas { get; init; } = 2;
}
