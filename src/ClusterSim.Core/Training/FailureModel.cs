namespace ClusterSim.Core.Training;

/// <summary>
/// Interruptions of a training job. Unexpected failures arrive per accelerator as a Poisson process with
/// the given MTBF, so a job's failure rate grows with its size; planned interruptions come at a fixed daily rate.
/// Defaults are derived from the Llama 3 paper's 54-day snapshot of a 16,384-H100 run (419 unexpected and 47
/// planned interruptions; causes: faulty GPU 148, HBM3 72, software 54, network 35, other 110).
/// </summary>
public sealed record FailureModel
{
    /// <summary>54 days × 24 h × 16,384 GPUs / 419 unexpected interruptions ≈ 50,700 accelerator-hours.</summary>
    public const double LlamaThreeMtbfHours = 54.0 * 24 * 16_384 / 419;

    /// <summary>No interruptions at all.</summary>
    public static FailureModel None { get; } = new() { Enabled = false };

    public bool Enabled { get; init; } = true;

    /// <summary>Mean time between unexpected failures of one accelerator (with its share of host, network and software), hours.</summary>
    public double MtbfHoursPerAccelerator { get; init; } = LlamaThreeMtbfHours;

    /// <summary>Planned interruptions (maintenance, upgrades) per day of the job; they checkpoint first, so only the restart is lost.</summary>
    public double PlannedPerDay { get; init; } = 47.0 / 54;

    /// <summary>Time from an interruption to training again (detection, rescheduling, reload), seconds.</summary>
    public double RestartSeconds { get; init; } = 180;

    public IReadOnlyList<FailureCause> Causes { get; init; } =
    [
        new("faulty GPU", 148 / 419.0),
        new("HBM3 memory", 72 / 419.0),
        new("software", 54 / 419.0),
        new("network", 35 / 419.0),
        new("other", 110 / 419.0),
    ];

    /// <summary>Unexpected failures per second for a job on <paramref name="accelerators"/> accelerators.</summary>
    public double JobFailureRatePerSecond(int accelerators) => Enabled ? accelerators / (MtbfHoursPerAccelerator * 3600) : 0;

    /// <summary>Throws when a field is out of range.</summary>
    public FailureModel Validated()
    {
        if (MtbfHoursPerAccelerator <= 0 || PlannedPerDay < 0 || RestartSeconds < 0)
        {
            throw new ArgumentException($"failures: mtbf_hours must be positive and planned_per_day, restart_s not negative (got {MtbfHoursPerAccelerator}, {PlannedPerDay}, {RestartSeconds})");
        }

        if (Causes.Count == 0 || Causes.Any(c => c.Share < 0) || Math.Abs(Causes.Sum(c => c.Share) - 1) > 1e-6)
        {
            throw new ArgumentException("failures: cause shares must be non-negative and sum to 1");
        }

        return this;
    }
}
