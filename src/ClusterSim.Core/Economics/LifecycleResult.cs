using ClusterSim.Core.Metrics;

namespace ClusterSim.Core.Economics;

/// <summary>A lifecycle's ledger and what it shows: training and inference bills over time and when they cross.</summary>
public sealed record LifecycleResult : ISimulationResult
{
    public required LifecycleOptions Options { get; init; }
    public required CostLedger Ledger { get; init; }

    /// <summary>Day (since training started) the model begins serving.</summary>
    public double LaunchDay { get; init; }
    public required IReadOnlyList<double> ReplicasPerDay { get; init; }
    public required IReadOnlyList<double> TokensPerDay { get; init; }

    /// <summary>Hours of each day the model was serving (24 except on the launch day and the last day).</summary>
    public required IReadOnlyList<int> ServingHoursPerDay { get; init; }

    /// <summary>The first and the last day served in full.</summary>
    private int FirstFullDay => Math.Max(0, Enumerable.Range(0, ServingHoursPerDay.Count).FirstOrDefault(d => ServingHoursPerDay[d] == 24, ServingHoursPerDay.Count - 1));

    private int LastFullDay => Math.Max(0, Enumerable.Range(0, ServingHoursPerDay.Count).LastOrDefault(d => ServingHoursPerDay[d] == 24, ServingHoursPerDay.Count - 1));
    public double ServingAcceleratorHours { get; init; }
    public double TokensServed { get; init; }

    public double TrainingCostUsd => Ledger.TotalDollars(LedgerAccount.Training);
    public double InferenceCostUsd => Ledger.TotalDollars(LedgerAccount.Inference) + Ledger.TotalDollars(LedgerAccount.Idle);

    /// <summary>Day since training started on which cumulative inference spend reaches the training bill; null if it never does.</summary>
    public double? CrossoverDay
    {
        get
        {
            var training = new List<double>(Ledger.Cumulative(LedgerAccount.Training));
            var inference = new List<double>(Ledger.Cumulative(LedgerAccount.Inference, LedgerAccount.Idle));
            var days = Enumerable.Range(1, Ledger.Buckets).Select(d => (double)d).ToList();
            // The launch inside a day is a point of its own: training paid in full, nothing served yet. Without it a
            // crossover within the launch day was drawn from the day's start, before anything was served (found by
            // LifecycleFileSoakTests: a small training bill overtaken hours after launch came out at −0.24 days).
            int next = days.FindIndex(d => d > LaunchDay);
            if (next >= 0 && LaunchDay > Math.Floor(LaunchDay))
            {
                days.Insert(next, LaunchDay);
                training.Insert(next, training[^1]);
                inference.Insert(next, next == 0 ? 0 : inference[next - 1]);
            }

            return CrossoverDetector.Find(days, training, inference);
        }
    }

    /// <summary>Every accelerator-hour is booked once: training hours plus provisioned serving hours equal the ledger's total.</summary>
    public bool Conserved
    {
        get
        {
            double expected = (Options.Training?.AcceleratorHours ?? 0) + ServingAcceleratorHours;
            return Math.Abs(Ledger.TotalHours() - expected) <= 1e-9 * expected;
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<(string Name, double Value)> Scalars()
    {
        return
        [
            ("training_days", Options.Training?.WallDays ?? 0),
            ("training_accelerator_hours", Options.Training?.AcceleratorHours ?? 0),
            ("training_cost_usd", TrainingCostUsd),
            ("training_mfu", Options.Training?.RunMfu ?? double.NaN),
            ("replica_tok_s_at_slo", Options.ReplicaTokensPerSecond),
            ("inference_cost_usd", InferenceCostUsd),
            ("inference_idle_share", Ledger.TotalHours(LedgerAccount.Idle) / ServingAcceleratorHours),
            ("launch_day", LaunchDay),
            ("crossover_day", CrossoverDay ?? double.NaN),
            ("crossover_days_after_launch", CrossoverDay is { } d ? d - LaunchDay : double.NaN),
            ("fleet_accelerators_at_launch", ReplicasPerDay[FirstFullDay] * Options.AcceleratorsPerReplica),
            ("fleet_accelerators_at_end", ReplicasPerDay[LastFullDay] * Options.AcceleratorsPerReplica),
            ("cost_per_mtok_at_launch", CostPerMillionTokensAtLaunch),
            ("cost_per_mtok_at_end", CostPerMillionTokens(LastFullDay)),
            ("tokens_served", TokensServed),
        ];
    }

    /// <summary>Serving USD per million output tokens on the first whole day of serving.</summary>
    public double CostPerMillionTokensAtLaunch => CostPerMillionTokens(FirstFullDay);

    /// <summary>Serving USD per million output tokens on a day.</summary>
    public double CostPerMillionTokens(int day) =>
        TokensPerDay[day] <= 0 ? double.NaN : (Ledger.Dollars(day, LedgerAccount.Inference) + Ledger.Dollars(day, LedgerAccount.Idle)) / TokensPerDay[day] * 1e6;

    /// <inheritdoc/>
    public SeriesTable Series()
    {
        int n = Ledger.Buckets;
        double[] time = Enumerable.Range(0, n).Select(d => (d + 1) * 86_400.0).ToArray();
        return new SeriesTable(time,
        [
            new("training_cumulative_usd", "USD", Ledger.Cumulative(LedgerAccount.Training)),
            new("inference_cumulative_usd", "USD", Ledger.Cumulative(LedgerAccount.Inference, LedgerAccount.Idle)),
            new("fleet_accelerators", "accelerators", ReplicasPerDay.Select(r => r * Options.AcceleratorsPerReplica).ToArray()),
            new("cost_per_mtok_usd", "USD", Enumerable.Range(0, n).Select(CostPerMillionTokens).ToArray()),
            new("tokens_per_day", "tokens", TokensPerDay),
            new("serving_hours", "hours", ServingHoursPerDay.Select(h => (double)h).ToArray()),
        ]);
    }
}
