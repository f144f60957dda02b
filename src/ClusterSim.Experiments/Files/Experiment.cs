namespace ClusterSim.Experiments.Files;

/// <summary>A validated experiment: its points (one when nothing is swept) and how to replicate them.</summary>
public sealed record Experiment
{
    public required string Name { get; init; }
    public string Description { get; init; } = string.Empty;
    public required string SourceFile { get; init; }
    public long Seed { get; init; }
    public int Replications { get; init; }
    public required IReadOnlyList<ExperimentPoint> Points { get; init; }

    /// <summary>True when the sweep pairs its lists (zip) rather than crossing them (grid).</summary>
    public bool ZipSweep { get; init; }

    /// <summary>True when the points were drawn (random or Latin hypercube) rather than enumerated.</summary>
    public bool SampledSweep { get; init; }

    /// <summary>The experiment as resolved, every default explicit (YAML text of the first point's settings plus the sweep).</summary>
    public required string ResolvedText { get; init; }
}
