using ClusterSim.Core.Economics;

namespace ClusterSim.Core.Tests.Economics;

public class DemandCurveTests
{
    [Fact]
    public void Growth_integrates_to_the_compound_total()
    {
        // 10 % a month for 12 months: the integral of L·e^{kt} is L/k·(e^{kT} − 1).
        var curve = new DemandCurve(1e9, 0.1, 0);
        double k = Math.Log(1.1) / DemandCurve.DaysPerMonth;
        double days = 12 * DemandCurve.DaysPerMonth;
        Assert.Equal(1e9 / k * (Math.Exp(k * days) - 1), curve.TokensBetween(0, days), 1e-6 * 1e9 * days);
    }

    [Theory]
    [InlineData(1e-320)]   // rounds to k = 0: the difference of exponentials was 0/0 (a fuzzed experiment's NaN booking)
    [InlineData(1e-12)]
    [InlineData(-1e-12)]
    public void Growth_too_slow_to_resolve_integrates_as_flat_demand(double growth)
    {
        var curve = new DemandCurve(1e9, growth, 0.4);
        double total = curve.TokensBetween(10, 375);
        Assert.True(double.IsFinite(total));
        Assert.Equal(1e9 * 365, total, 1e-6 * 1e9 * 365);
    }
}
