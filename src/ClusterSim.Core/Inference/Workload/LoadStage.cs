namespace ClusterSim.Core.Inference.Workload;

/// <summary>One stage of a load generator's schedule: requests at a constant rate for a duration.</summary>
public readonly record struct LoadStage(double RatePerSecond, double DurationSeconds)
{
    /// <summary>Throws when the rate or duration is not positive.</summary>
    public LoadStage Validated() =>
        RatePerSecond > 0 && DurationSeconds > 0 && double.IsFinite(RatePerSecond) && double.IsFinite(DurationSeconds)
            ? this
            : throw new ArgumentException($"a load stage needs a positive rate and duration, got {RatePerSecond} req/s for {DurationSeconds} s");
}
