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

    /// <summary>
    /// Whole days the launch and end figures span: one cycle of the demand's shape — a day under the diurnal formula, a
    /// measured trace's span (a week of hourly counts: seven, so a weekend does not pass for the fleet).
    /// </summary>
    private int PeriodDays => Options.Demand.Profile is { } profile ? Math.Max(1, (int)Math.Ceiling((profile.SpanSeconds / 86_400) - 1e-9)) : 1;

    /// <summary>The full days from <paramref name="first"/> on, one period of the demand at most.</summary>
    private IEnumerable<int> PeriodFrom(int first) => Enumerable.Range(first, Math.Min(PeriodDays, LastFullDay - first + 1)).Where(d => ServingHoursPerDay[d] == 24).DefaultIfEmpty(first);

    /// <summary>The full days up to <paramref name="last"/>, one period of the demand at most.</summary>
    private IEnumerable<int> PeriodTo(int last) => Enumerable.Range(Math.Max(FirstFullDay, last - PeriodDays + 1), Math.Min(PeriodDays, last - FirstFullDay + 1)).Where(d => ServingHoursPerDay[d] == 24).DefaultIfEmpty(last);

    /// <summary>Accelerators serving, a day's mean, over <paramref name="days"/>.</summary>
    private double Fleet(IEnumerable<int> days) => days.Average(d => ReplicasPerDay[d]) * Options.AcceleratorsPerReplica;
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
            ("fleet_accelerators_at_launch", PeriodDays == 1 ? ReplicasPerDay[FirstFullDay] * Options.AcceleratorsPerReplica : Fleet(PeriodFrom(FirstFullDay))),
            ("fleet_accelerators_at_end", PeriodDays == 1 ? ReplicasPerDay[LastFullDay] * Options.AcceleratorsPerReplica : Fleet(PeriodTo(LastFullDay))),
            ("cost_per_mtok_at_launch", CostPerMillionTokensAtLaunch),
            ("cost_per_mtok_at_end", CostPerMillionTokens(PeriodTo(LastFullDay))),
            ("tokens_served", TokensServed),
        ];
    }

    /// <summary>Serving USD per million output tokens over the first whole days of serving (one period of the demand's shape).</summary>
    public double CostPerMillionTokensAtLaunch => CostPerMillionTokens(PeriodFrom(FirstFullDay));

    /// <summary>Serving USD per million output tokens on a day.</summary>
    public double CostPerMillionTokens(int day) =>
        TokensPerDay[day] <= 0 ? double.NaN : (Ledger.Dollars(day, LedgerAccount.Inference) + Ledger.Dollars(day, LedgerAccount.Idle)) / TokensPerDay[day] * 1e6;

    /// <summary>Serving USD per million output tokens over <paramref name="days"/> (one day: <see cref="CostPerMillionTokens(int)"/>).</summary>
    private double CostPerMillionTokens(IEnumerable<int> days)
    {
        int[] span = [.. days];
        if (span.Length == 1)
        {
            return CostPerMillionTokens(span[0]);
        }

        double tokens = span.Sum(d => TokensPerDay[d]);
        return tokens <= 0 ? double.NaN : span.Sum(d => Ledger.Dollars(d, LedgerAccount.Inference) + Ledger.Dollars(d, LedgerAccount.Idle)) / tokens * 1e6;
    }

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
