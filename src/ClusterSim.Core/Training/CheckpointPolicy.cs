namespace ClusterSim.Core.Training;

/// <summary>When a job writes checkpoints: a fixed interval, or Young/Daly's optimum √(2·δ·M) for write time δ and job MTBF M.</summary>
public sealed record CheckpointPolicy
{
    /// <summary>Time training pauses to write one checkpoint, seconds.</summary>
    public double WriteSeconds { get; init; } = 30;

    /// <summary>Fixed interval between checkpoints, seconds; null for Young/Daly.</summary>
    public double? IntervalSeconds { get; init; }

    /// <summary>
    /// Daly's (2006) higher-order optimum of compute time between checkpoints:
    /// √(2δM)·[1 + ⅓√(δ/2M) + δ/18M] − δ for δ &lt; 2M, else M. For δ ≪ M it is Young's √(2δM).
    /// </summary>
    public static double YoungDaly(double writeSeconds, double jobMtbfSeconds)
    {
        double d = writeSeconds, m = jobMtbfSeconds;
        if (double.IsPositiveInfinity(m))
        {
            return double.PositiveInfinity;
        }

        if (d >= 2 * m)
        {
            return m;
        }

        return Math.Max((Math.Sqrt(2 * d * m) * (1 + (Math.Sqrt(d / (2 * m)) / 3) + (d / (18 * m)))) - d, Math.Sqrt(2 * d * m) / 2);
    }

    /// <summary>The interval this policy uses for a job whose MTBF is <paramref name="jobMtbfSeconds"/>.</summary>
    public double Interval(double jobMtbfSeconds) => IntervalSeconds ?? YoungDaly(WriteSeconds, jobMtbfSeconds);

    /// <summary>Throws when a field is out of range.</summary>
    public CheckpointPolicy Validated()
    {
        if (WriteSeconds < 0 || IntervalSeconds is <= 0)
        {
            throw new ArgumentException($"checkpoints: write_s must not be negative and interval_s must be positive (got {WriteSeconds}, {IntervalSeconds})");
        }

        return this;
    }
}
