using ClusterSim.Core.Economics;
using ClusterSim.Experiments.Capacity;

namespace ClusterSim.Experiments.Tests.Capacity;

public class FleetForDemandTests
{
    // Three steps: an hour at 900 tokens a second, two hours at 2,500, an hour at 100 (a four-hour span).
    private static readonly DemandProfile Day = new([0, 3600, 10_800], [900, 2500, 100], 14_400, "day.csv");

    [Fact]
    public void Each_step_is_served_by_the_replicas_its_rate_needs_at_the_usable_capacity()
    {
        // A replica of 2 chips serves 1,000 tokens a second at the SLO, 800 with 20 % headroom: 2, 4 and 1 replicas.
        FleetForDemand fleet = FleetForDemand.Size(Day, 1000, 2, 0.2);

        Assert.Equal(8, fleet.PeakAccelerators);
        Assert.Equal((4 * 1) + (8 * 2) + (2 * 1), fleet.AcceleratorHours, 9);
        Assert.Equal(22.0 / 4, fleet.MeanAccelerators, 9);
        Assert.Equal((900 * 3600) + (2500 * 7200) + (100 * 3600), fleet.Tokens, 6);
        Assert.Equal(2 * 22 / fleet.Tokens * 1e6, fleet.RentedUsdPerMillion(2), 12);
        Assert.Equal(2 * 8 * 4 / fleet.Tokens * 1e6, fleet.OwnedUsdPerMillion(2), 12);
        Assert.True(fleet.OwnedUsdPerMillion(2) > fleet.RentedUsdPerMillion(2), "owning the peak pays for the troughs");
    }

    [Fact]
    public void A_flat_demand_a_whole_number_of_replicas_serve_costs_the_same_owned_or_rented()
    {
        var flat = new DemandProfile([0, 3600], [3000, 3000], 7200, "flat.csv");
        FleetForDemand fleet = FleetForDemand.Size(flat, 1000, 4, 0);
        Assert.Equal(12, fleet.PeakAccelerators);
        Assert.Equal(fleet.OwnedUsdPerMillion(3), fleet.RentedUsdPerMillion(3), 12);
        // At full use the rented cost is the SLO capacity's own: price × chips over tokens an hour.
        Assert.Equal(3.0 * 4 / (1000 * 3600) * 1e6, fleet.RentedUsdPerMillion(3), 12);
    }

    [Fact]
    public void A_quiet_step_keeps_one_replica_and_bad_shapes_are_refused()
    {
        var quiet = new DemandProfile([0, 60], [0, 10], 120, "quiet.csv");
        Assert.Equal(1, FleetForDemand.Size(quiet, 1000, 1, 0).PeakAccelerators);
        Assert.Equal(1, FleetForDemand.Size(quiet, 1000, 1, 0).MeanAccelerators, 12);
        Assert.Throws<ArgumentException>(() => FleetForDemand.Size(Day, 0, 1, 0));
        Assert.Throws<ArgumentException>(() => FleetForDemand.Size(Day, 1000, 0, 0));
        Assert.Throws<ArgumentException>(() => FleetForDemand.Size(Day, 1000, 1, 1));
    }
}
