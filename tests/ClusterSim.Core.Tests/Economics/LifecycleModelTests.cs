using ClusterSim.Core.Economics;
using ClusterSim.Core.Tests.Training;
using ClusterSim.Core.Training;

namespace ClusterSim.Core.Tests.Economics;

public class LifecycleModelTests
{
    private static readonly TrainingResult Training = new TrainingRun(TrainingJobs.Llama8B(dp: 64, tokens: 1e12), seed: 1).Run();

    private static LifecycleOptions Flat(double replicas) => new()
    {
        Training = Training,
        ReplicaTokensPerSecond = 1000,
        AcceleratorsPerReplica = 1,
        ServingTdpWatts = 700,
        Demand = new DemandCurve(replicas * 1000 * 86_400),
        TrainingCost = new CostModel { Rental = new PriceCurve(2), Energy = new EnergyModel(UsdPerKwh: 0) },
        ServingCost = new CostModel { Rental = new PriceCurve(2), Energy = new EnergyModel(UsdPerKwh: 0) },
        Headroom = 0,
        ColdStartSeconds = 0,
        ServingDays = 400,
    };

    [Fact]
    public void Flat_demand_crosses_when_serving_spend_equals_the_training_bill()
    {
        LifecycleResult result = LifecycleModel.Run(Flat(10));

        Assert.Equal(Training.AcceleratorHours * 2, result.TrainingCostUsd, 1e-6 * result.TrainingCostUsd);
        double dailyServing = 10 * 24 * 2.0;
        double expected = result.LaunchDay + (result.TrainingCostUsd / dailyServing);
        // The ledger is daily; the launch day is fractional, so the interpolated crossing is within a day.
        Assert.InRange(result.CrossoverDay!.Value, expected - 1, expected + 1);
        Assert.True(result.Conserved);
        Assert.Equal(0, result.Ledger.TotalHours(LedgerAccount.Idle), 1e-6);
    }

    [Fact]
    public void A_traced_demand_reports_its_launch_and_end_over_one_cycle_of_its_shape()
    {
        // A two-day trace: 30 replicas' worth one day, 10 the next. A single day's fleet would say about 30 or about 10
        // depending on where the horizon ends; over the trace's cycle it says the same whichever day it ends on: 20, and
        // the two hours a cycle the autoscaler holds 30 ahead of the busy day (it sizes each hour for the next one too).
        var twoDays = new DemandProfile([0, 86_400], [30_000, 10_000], 2 * 86_400, "two-days.csv");
        var figures = new List<Dictionary<string, double>>();
        foreach (double days in new[] { 400.0, 401.0 })
        {
            LifecycleResult result = LifecycleModel.Run(Flat(1) with { Demand = DemandCurve.FromProfile(twoDays, null, 0), ServingDays = days });
            figures.Add(result.Scalars().ToDictionary(s => s.Name, s => s.Value, StringComparer.Ordinal));
        }

        foreach (string key in new[] { "fleet_accelerators_at_end", "fleet_accelerators_at_launch" })
        {
            Assert.Equal(figures[0][key], figures[1][key], 9);
            Assert.Equal(((30 * 26) + (10 * 22)) / 48.0, figures[0][key], 9);
        }

        Assert.Equal(figures[0]["cost_per_mtok_at_end"], figures[1]["cost_per_mtok_at_end"], 9);

        // Under the formula the figures stay a single day's (its cycle is a day).
        LifecycleResult flat = LifecycleModel.Run(Flat(10));
        Assert.Equal(10, flat.Scalars().First(s => s.Name == "fleet_accelerators_at_end").Value, 9);
    }

    [Fact]
    public void A_crossover_on_the_launch_day_comes_after_the_launch()
    {
        // Found by LifecycleFileSoakTests: a demand that overtakes the training bill within hours was interpolated from
        // the launch day's start, before anything was served, and came out before the launch.
        double dailyServing = 200_000 * 24 * 2.0;
        LifecycleResult result = LifecycleModel.Run(Flat(200_000));
        Assert.True(result.LaunchDay % 1 is > 0.05 and < 0.95, $"launch at day {result.LaunchDay}: pick a run that launches mid-day");
        double expected = result.LaunchDay + (result.TrainingCostUsd / dailyServing);
        Assert.True(expected < Math.Ceiling(result.LaunchDay), "the bill is overtaken on the launch day itself");
        double crossover = result.CrossoverDay!.Value;
        Assert.InRange(crossover, result.LaunchDay, Math.Ceiling(result.LaunchDay));
        Assert.Equal(expected, crossover, 0.05);   // the day's serving is spread evenly over its hours after the launch
    }

    [Fact]
    public void The_training_bill_books_the_same_energy_as_the_run_reports()
    {
        const double UsdPerKwh = 0.1;
        var cost = new CostModel { Rental = new PriceCurve(2), Energy = new EnergyModel(UsdPerKwh: UsdPerKwh, Pue: Training.Job.Pue) };
        LifecycleResult result = LifecycleModel.Run(Flat(10) with { TrainingCost = cost });

        Assert.True(Training.EnergyKwh > 0);
        double expected = (Training.AcceleratorHours * 2) + (Training.EnergyKwh * UsdPerKwh);
        Assert.Equal(expected, result.TrainingCostUsd, 1e-9 * expected);
    }

    [Fact]
    public void Headroom_and_diurnal_swing_are_booked_as_idle()
    {
        LifecycleResult result = LifecycleModel.Run(Flat(10) with { Headroom = 0.2, Demand = new DemandCurve(10 * 1000 * 86_400, 0, 0.5), ColdStartSeconds = 900 });
        double idleShare = result.Ledger.TotalHours(LedgerAccount.Idle) / result.ServingAcceleratorHours;
        Assert.InRange(idleShare, 0.3, 0.6);
        Assert.Equal(result.TokensServed / 1000 / 3600, result.Ledger.TotalHours(LedgerAccount.Inference), 1e-6 * result.TokensServed);
        Assert.True(result.Conserved);
    }

    [Fact]
    public void Faster_growth_crosses_sooner()
    {
        LifecycleResult slow = LifecycleModel.Run(Flat(10) with { Demand = new DemandCurve(10 * 1000 * 86_400, 0.05) });
        LifecycleResult fast = LifecycleModel.Run(Flat(10) with { Demand = new DemandCurve(10 * 1000 * 86_400, 0.3) });
        Assert.NotNull(slow.CrossoverDay);
        Assert.True(fast.CrossoverDay < slow.CrossoverDay, $"fast {fast.CrossoverDay}, slow {slow.CrossoverDay}");
    }
}
