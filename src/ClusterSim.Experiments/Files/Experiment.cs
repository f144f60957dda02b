namespace ClusterSim.Experiments.Files;

/// <summary>A validated experiment: its points (one when nothing is swept) and how to replicate them.</summary>
public sealed record Experiment
{
    public required string Name { get; init; }
    public string Description { get; init; } = string.Empty;
    public required string SourceFile { get; init; }
    public long Seed { get; init; }

    /// <summary>Replications every point runs: all of them, or with <see cref="Until"/> the fewest it runs.</summary>
    public int Replications { get; init; }

    /// <summary>Sequential replications: more, one at a time, until a metric's interval is narrow enough; null for a fixed count.</summary>
    public ReplicationTarget? Until { get; init; }

    /// <summary>The point the others are compared with replication by replication (<c>sweep.baseline</c>); null for none.</summary>
    public int? Baseline { get; init; }

    /// <summary>The most replications a point can run.</summary>
    public int MaxReplications => Until?.Max ?? Replications;

    /// <summary>The replications as a caption says them: "3 replication(s)", or "3 to 30 replications until ttft_p99_s is within ±5 %".</summary>
    public string ReplicationsText => Until is { } until
        ? $"{Replications} to {until.Max} replications {until.Condition}"
        : $"{Replications} replication(s)";
    public required IReadOnlyList<ExperimentPoint> Points { get; init; }

    /// <summary>
    /// The step-time calibration each accelerator used ("H100-SXM FP8: hopper-vllm/fp8"), and a line starting "warning:"
    /// for each accelerator that fell back to the generic, unfitted factors.
    /// </summary>
    public IReadOnlyList<string> Calibrations { get; init; } = [];

    /// <summary>The warnings among <see cref="Calibrations"/>, without their "warning:" prefix (as the console, validate and the report say them).</summary>
    public IEnumerable<string> Warnings => Calibrations
        .Where(c => c.StartsWith(WarningPrefix, StringComparison.Ordinal))
        .Select(c => c[WarningPrefix.Length..].Trim());

    private const string WarningPrefix = "warning:";

    /// <summary>True when the sweep pairs its lists (zip) rather than crossing them (grid).</summary>
    public bool ZipSweep { get; init; }

    /// <summary>True when the points were drawn (random or Latin hypercube) rather than enumerated.</summary>
    public bool SampledSweep { get; init; }

    /// <summary>Swept paths drawn on a log scale (<c>log: true</c> ranges): their charts use log axes too.</summary>
    public IReadOnlyList<string> LogParameters { get; init; } = [];

    /// <summary>The experiment as resolved, every default explicit (YAML text of the first point's settings plus the sweep).</summary>
    public required string ResolvedText { get; init; }
}
