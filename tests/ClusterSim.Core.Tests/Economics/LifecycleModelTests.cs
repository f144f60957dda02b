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
