using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Running;
using ClusterSim.Experiments.Tests.Files;

namespace ClusterSim.Experiments.Tests.Running;

public class CellCapacityTests
{
    private static ServingPoint Serving(string slo) =>
        ExperimentLoader.Parse(ExperimentLoaderTests.Valid.Replace("sweep:", $"slo: {slo}\nsweep:", StringComparison.Ordinal), "exp.yaml").Points[0].Serving!;

    [Fact]
    public void A_looser_slo_admits_at_least_as_much_load_per_replica()
    {
        (double tight, _) = CellCapacity.Measure(Serving("{ ttft_s: 0.05, tpot_s: 0.01 }"), cellReplicas: 1, seed: 3);
        (double loose, _) = CellCapacity.Measure(Serving("{ ttft_s: 5, tpot_s: 0.5 }"), cellReplicas: 1, seed: 3);
        Assert.True(tight > 0);
        Assert.True(loose > 1.2 * tight, $"loose {loose}, tight {tight}");
    }

    [Fact]
    public void An_slo_no_load_can_meet_is_its_own_error_naming_the_bounds()
    {
        var e = Assert.Throws<UnmeetableSloException>(() => CellCapacity.Measure(Serving("{ ttft_s: 0.000001, tpot_s: 0.000001 }"), cellReplicas: 1, seed: 3));
        Assert.Contains("TTFT ≤ 1E-06 s", e.Message, StringComparison.Ordinal);
    }
}
