namespace ClusterSim.Experiments.Capacity;

/// <summary>
/// What one replica of the query's deployment serves on one accelerator at the SLO (95 % of requests within both
/// bounds), the latency there, and what a million output tokens cost; or why it could not be measured.
/// </summary>
public sealed record CapacityRow
{
    public required string Hardware { get; init; }

    /// <summary>Why this accelerator has no figures (refused by the checks, or the SLO missed at the lowest load); null when measured.</summary>
    public string? Refused { get; init; }

    /// <summary>True when <see cref="Refused"/> is a mistake in the query (an unknown name, a size that does not fit), not an SLO no load meets.</summary>
    public bool BadInput { get; init; }
    /// <summary>Accelerators of the replica (disaggregated: of the whole unit, both parts).</summary>
    public int Accelerators { get; init; }

    /// <summary>Accelerators of one replica (disaggregated: one prefill replica): the tensor-parallel size the row was measured at.</summary>
    public int Size { get; init; }

    /// <summary>Disaggregated: the unit measured ("3 prefill + 5 decode on H200"); null for a replica that does both.</summary>
    public string? Unit { get; init; }

    /// <summary>How the unit's split was chosen when the query searched it; null otherwise.</summary>
    public string? SplitChosen { get; init; }

    /// <summary>Disaggregated: the busy shares of the unit's prefill and decode replicas at its capacity; null otherwise.</summary>
    public (double Prefill, double Decode)? PoolUtilisation { get; init; }
    public double RequestsPerSecond { get; init; }
    public double OutputTokensPerSecond { get; init; }
    public double TtftP99Seconds { get; init; }
    public double TpotP99Seconds { get; init; }

    /// <summary>USD an accelerator-hour, or null when neither the catalog nor the query gives one.</summary>
    public double? PricePerHour { get; init; }

    /// <summary>USD per million output tokens at the SLO (with the query's headroom), or null without a price.</summary>
    public double? UsdPerMillionTokens { get; init; }

    /// <summary>The calibration the step times used ("hopper-vllm/fp8"; "generic/fp8" for the unfitted fractions of peak).</summary>
    public string Calibration { get; init; } = string.Empty;

    /// <summary>How the tensor-parallel size was chosen when the query gave none and 1 did not do; null otherwise.</summary>
    public string? SizeChosen { get; init; }

    /// <summary>What the run could not take from data (an uncalibrated accelerator, FP8 computed in BF16), as <c>run</c> says it.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
