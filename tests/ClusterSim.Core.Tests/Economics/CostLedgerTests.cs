using ClusterSim.Core.Economics;

namespace ClusterSim.Core.Tests.Economics;

public class CostLedgerTests
{
    [Fact]
    public void Totals_are_the_sums_of_their_parts()
    {
        var ledger = new CostLedger(10, 1);
        var random = new Random(4);
        double hours = 0, dollars = 0;
        for (int i = 0; i < 1000; i++)
        {
            double h = random.NextDouble() * 10, usd = random.NextDouble() * 30;
            ledger.Book(random.Next(10), (LedgerAccount)random.Next(3), h, usd);
            hours += h;
            dollars += usd;
        }

        Assert.Equal(hours, ledger.TotalHours(), 1e-9);
        Assert.Equal(dollars, ledger.TotalDollars(), 1e-9);
        Assert.Equal(ledger.TotalDollars(), Enum.GetValues<LedgerAccount>().Sum(ledger.TotalDollars), 1e-9);
        Assert.Equal(ledger.TotalDollars(), ledger.Cumulative(LedgerAccount.Training, LedgerAccount.Inference, LedgerAccount.Idle)[^1], 1e-9);
    }

    [Fact]
    public void Negative_or_non_finite_bookings_are_refused()
    {
        var ledger = new CostLedger(1, 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => ledger.Book(0, LedgerAccount.Idle, -1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ledger.Book(0, LedgerAccount.Idle, 1, double.NaN));
    }

    [Fact]
    public void Energy_follows_idle_plus_utilisation_times_dynamic_power()
    {
        var energy = new EnergyModel(UsdPerKwh: 0.1, Pue: 1.5, IdleFraction: 0.25);
        // 700 W chip, 10 h at 60 %: (175 + 0.6 × 525) W × 10 h × 1.5 = 7.35 kWh.
        Assert.Equal(7.35, energy.Kwh(700, 10, 0.6), 1e-9);
        var capex = new CapexModel(30_000, 4, 0.1);
        Assert.Equal(30_000 * 0.9 / (4 * 365.25 * 24), capex.PerHour, 1e-12);
        Assert.Equal(1.0, new PriceCurve(8, -0.5, 1).At(3 * 365.25));
        Assert.Equal(4.0, new PriceCurve(8, -0.5, 1).At(365.25), 1e-12);
    }
}
