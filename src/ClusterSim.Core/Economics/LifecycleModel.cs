using ClusterSim.Core.Engine;
using ClusterSim.Core.Training;

namespace ClusterSim.Core.Economics;

/// <summary>
/// Books a model's life into a daily cost ledger: the training run's segments (restarts at idle power), then an
/// hourly autoscaler that provisions replicas for the coming hour's demand (cold starts paid ahead of use) and
/// splits their hours into inference (capacity used) and idle.
/// </summary>
public static class LifecycleModel
{
    /// <summary>Runs the lifecycle.</summary>
    public static LifecycleResult Run(LifecycleOptions options)
    {
        options.Validated();
        TrainingResult? training = options.Training;
        double launchDay = (training?.WallDays ?? 0) + options.LaunchDelayDays;
        int days = (int)Math.Ceiling(launchDay + options.ServingDays);
        var ledger = new CostLedger(days, 1);
        if (training is not null)
        {
            BookTraining(ledger, training, options.TrainingCost);
        }

        int hours = (int)Math.Round(options.ServingDays * 24);
        var replicasPerDay = new double[days];
        var tokensPerDay = new double[days];
        var hoursInDay = new int[days];
        double coldStartHours = options.ColdStartSeconds / 3600;
        int previous = 0;
        double provisionedHours = 0, servedTokens = 0;
        for (int h = 0; h < hours; h++)
        {
            double servingDay = h / 24.0;
            int needed = ReplicasNeeded(options, servingDay);
            // Scale up ahead of the next hour so new replicas are warm when demand arrives; scale down at once.
            int provisioned = Math.Max(needed, ReplicasNeeded(options, servingDay + (1 / 24.0)));
            double day = launchDay + servingDay;
            int bucket = Math.Min(days - 1, (int)day);
            double capacity = options.ReplicaTokensPerSecond * SoftwareFactor(options, servingDay) * provisioned;
            double tokens = options.Demand.TokensBetween(servingDay, servingDay + (1 / 24.0));
            double used = Math.Min(1, tokens / 3600 / capacity);
            double accelHours = provisioned * (double)options.AcceleratorsPerReplica;
            double coldHours = Math.Max(0, provisioned - previous) * (double)options.AcceleratorsPerReplica * coldStartHours;
            CostModel cost = options.ServingCost;
            ledger.Book(bucket, LedgerAccount.Inference, accelHours * used, cost.Cost(day, accelHours * used, options.ServingTdpWatts, options.ReplicaUtilisationAtCapacity));
            ledger.Book(bucket, LedgerAccount.Idle, (accelHours * (1 - used)) + coldHours, cost.Cost(day, (accelHours * (1 - used)) + coldHours, options.ServingTdpWatts, 0));
            replicasPerDay[bucket] += provisioned;
            hoursInDay[bucket]++;
            tokensPerDay[bucket] += tokens;
            provisionedHours += accelHours + coldHours;
            servedTokens += tokens;
            previous = provisioned;
        }

        for (int d = 0; d < days; d++)
        {
            replicasPerDay[d] = hoursInDay[d] == 0 ? 0 : replicasPerDay[d] / hoursInDay[d];
        }

        return new LifecycleResult
        {
            Options = options,
            Ledger = ledger,
            LaunchDay = launchDay,
            ReplicasPerDay = replicasPerDay,
            ServingHoursPerDay = hoursInDay,
            TokensPerDay = tokensPerDay,
            ServingAcceleratorHours = provisionedHours,
            TokensServed = servedTokens,
        };
    }

    private static double SoftwareFactor(LifecycleOptions o, double servingDays) => Math.Pow(1 + o.SoftwareGainPerYear, servingDays / 365.25);

    /// <summary>Replicas that serve the hour's peak demand with the headroom kept.</summary>
    private static int ReplicasNeeded(LifecycleOptions o, double servingDays)
    {
        double peak = o.Demand.PeakTokensPerSecond(servingDays, servingDays + (1 / 24.0));
        double perReplica = o.ReplicaTokensPerSecond * SoftwareFactor(o, servingDays) * (1 - o.Headroom);
        return Math.Max(1, (int)Math.Ceiling(peak / perReplica));
    }

    private static void BookTraining(CostLedger ledger, TrainingResult training, CostModel cost)
    {
        double tdp = training.Job.Accelerator.TdpWatts ?? 0;
        foreach (TrainingSegment s in training.Segments)
        {
            // The same draw as the run's own energy figure: the job's power fraction while it works, idle while it restarts.
            double draw = s.Phase == TrainingPhase.Restart ? cost.Energy.IdleFraction : training.Job.PowerFraction;
            for (long t = s.Start; t < s.End;)
            {
                long dayEnd = ((t / (86_400 * SimTime.NanosPerSecond)) + 1) * 86_400 * SimTime.NanosPerSecond;
                long end = Math.Min(s.End, dayEnd);
                double hours = s.Accelerators * SimTime.ToSeconds(end - t) / 3600;
                double day = SimTime.ToSeconds(t) / 86_400;
                ledger.Book(Math.Min(ledger.Buckets - 1, (int)day), LedgerAccount.Training, hours, cost.CostAtDraw(day, hours, tdp, draw));
                t = end;
            }
        }
    }
}
