using ClusterSim.Core.Catalog;

namespace ClusterSim.Core.Training;

/// <summary>
/// Training efficiency factors for a family of accelerators at one precision, with the published row they were fitted
/// on (empty when unfitted) and the source of every factor.
/// </summary>
public sealed record TrainingCalibration
{
    public required string Id { get; init; }

    /// <summary>Hardware ids the row applies to.</summary>
    public required IReadOnlyList<string> Hardware { get; init; }
    public required Precision Precision { get; init; }

    /// <summary>The FP8 scaling recipe an FP8 row was fitted under; null for any other precision.</summary>
    public Fp8Scaling? Fp8Scaling { get; init; }
    public required TrainingEfficiency Efficiency { get; init; }

    /// <summary>The published run the matmul efficiency was fitted on.</summary>
    public required string FittedOn { get; init; }
    public required string Source { get; init; }
}
