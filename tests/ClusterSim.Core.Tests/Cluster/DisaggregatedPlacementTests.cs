using ClusterSim.Core.Catalog;
using ClusterSim.Core.Cluster;
using ClusterSim.Core.Economics;
using ClusterSim.Core.Engine;
using ClusterSim.Core.Tests.Engine;
using ClusterSim.Core.Tests.Training;
using ClusterSim.Core.Training;

namespace ClusterSim.Core.Tests.Cluster;

public class DisaggregatedPlacementTests
{
    private static readonly AcceleratorSpec H100 = SimCatalog.Default.Hardware.Get("H100-SXM");
    private static readonly AcceleratorSpec H200 = SimCatalog.Default.Hardware.Get("H200");

    private static AcceleratorPool Pool(string name, AcceleratorSpec chip, int count, double price) =>
        new() { Name = name, Accelerator = chip, Count = count, PricePerHour = price };

    /// <summary>A unit of 2 prefill accelerators on h100 and 4 decode ones on h200 serving 1,000 output tokens a second; a flat demand of <paramref name="units"/> units.</summary>
    private static ClusterDeployment Chat(int units) => new()
    {
        Name = "chat",
        Placements = [new DeploymentPlacement("h100", 2, 1000, 0.5) { Decode = new DecodePart("h200", 4, 0.5) }],
        Demand = new DemandCurve(units * 1000 * 86_400.0, 0, 0),
        Headroom = 0,
        ColdStartSeconds = 0,
        MinReplicas = 0,
    };

    private static ClusterResult Run(ClusterOptions options, int checkedEvents = 10)
    {
        var simulator = new Simulator();
        var run = new ClusterRun(options, simulator);
        var checks = new CheckEveryEvent(run.AssertInvariants);
        simulator.Trace = checks;
        ClusterResult result = run.Run();
        Assert.True(checks.Count >= checkedEvents, $"only {checks.Count} events checked");
        return result;
    }

    [Fact]
    public void A_unit_holds_its_prefill_part_on_one_pool_and_its_decode_part_on_the_other_and_pays_each_pools_price()
    {
        ClusterResult result = Run(new ClusterOptions
        {
            Pools = [Pool("h100", H100, 32, 2), Pool("h200", H200, 64, 3)],
            Deployments = [Chat(10)],
            HorizonSeconds = 86_400,
            Energy = new EnergyModel { UsdPerKwh = 0 },
        });

        // Ten units: 20 H100 and 40 H200 all day.
        Assert.Equal(20, result.Series.Column("pool.h100.chat").Values.Max());
        Assert.Equal(40, result.Series.Column("pool.h200.chat").Values.Max());
        Assert.Equal(60, result.Deployment("chat").PeakAccelerators);
        Assert.Equal(60 * 24, result.Deployment("chat").AcceleratorHours, 6);
        Assert.Equal(((20 * 2) + (40 * 3)) * 24, result.Deployment("chat").CostUsd, 6);
        Assert.Equal((12 * 24) + (24 * 24), result.IdleHours.Sum(), 6);
        Assert.Equal(1, result.Deployment("chat").SloAttainment, 9);
        Assert.True(result.Conserved);
    }

    [Fact]
    public void Each_part_of_a_unit_draws_power_at_its_own_measured_busy_share()
    {
        // The prefill replicas idle 80 % of the time, the decode ones run 90 % busy: at full load the unit's energy is the
        // sum of both parts' draws at their own shares, not one share for all six accelerators.
        ClusterDeployment chat = Chat(10) with
        {
            Placements = [new DeploymentPlacement("h100", 2, 1000, 0.2) { Decode = new DecodePart("h200", 4, 0.9) }],
        };
        var energy = new EnergyModel { UsdPerKwh = 0 };
        ClusterResult result = Run(new ClusterOptions
        {
            Pools = [Pool("h100", H100, 20, 2), Pool("h200", H200, 40, 3)],
            Deployments = [chat],
            HorizonSeconds = 86_400,
            Energy = energy,
        });

        double expected = energy.Kwh(H100.TdpWatts!.Value, 20 * 24, 0.2) + energy.Kwh(H200.TdpWatts!.Value, 40 * 24, 0.9);
        Assert.Equal(expected, result.Deployment("chat").Kwh, 6);
        Assert.Equal(0, result.IdleHours.Sum(), 6);   // the fleet fills both pools: every kWh is the unit's
    }

    [Fact]
    public void A_units_part_may_span_nodes_as_its_replicas_do_not_where_a_colocated_replica_may_not()
    {
        // Six prefill replicas of two H100 (12 accelerators) on nodes of eight: a part of whole replicas, each within a node.
        ClusterDeployment wide = Chat(4) with
        {
            Placements = [new DeploymentPlacement("h100", 12, 1000, 0.5) { Decode = new DecodePart("h200", 4, 0.5) }],
        };
        ClusterResult result = Run(new ClusterOptions
        {
            Pools = [Pool("h100", H100, 48, 2), Pool("h200", H200, 16, 3)],
            Deployments = [wide],
            HorizonSeconds = 86_400,
        });
        Assert.Equal(48, result.Series.Column("pool.h100.chat").Values.Max());
        Assert.True(result.Conserved);

        ClusterDeployment colocated = wide with { Placements = [new DeploymentPlacement("h100", 12, 1000, 0.5)] };
        var e = Assert.Throws<ArgumentException>(() => new ClusterOptions { Pools = [Pool("h100", H100, 48, 2)], Deployments = [colocated], HorizonSeconds = 86_400 }.Validated());
        Assert.Contains("a replica of 12 accelerators neither fits a node of 8", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 0.5)]
    [InlineData(4, 1.5)]
    [InlineData(4, -0.1)]
    public void A_decode_part_out_of_range_is_refused_naming_its_pool(int accelerators, double utilisation)
    {
        var placement = new DeploymentPlacement("h100", 2, 1000, 0.5) { Decode = new DecodePart("h200", accelerators, utilisation) };
        ArgumentException e = Assert.Throws<ArgumentException>(() => placement.Validated());
        Assert.Contains("decode part on h200", e.Message);
    }

    [Fact]
    public void A_unit_needs_room_on_both_pools_and_takes_the_decode_pool_from_training()
    {
        // The h200 pool runs a preemptible job on all 64; ten units need 40 of them, so serving preempts the job and the
        // gang never fits again. With only 8 H100 the fleet is capped at four units by its prefill part.
        ClusterTrainingJob job = new()
        {
            Name = "pretrain",
            Pool = "h200",
            Job = TrainingJobs.Llama8B(dp: 8, tokens: 1e12) with { Accelerator = H200 },
        };
        ClusterResult shared = Run(new ClusterOptions
        {
            Pools = [Pool("h100", H100, 8, 2), Pool("h200", H200, 64, 3)],
            Jobs = [job],
            Deployments = [Chat(10) with { LaunchSeconds = 3600 }],
            Policy = ClusterPolicy.Shared,
            HorizonSeconds = 86_400,
        });

        Assert.Equal(1, shared.Job("pretrain").Preemptions);
        Assert.Equal(8, shared.Series.Column("pool.h100.chat").Values.Max());
        Assert.Equal(16, shared.Series.Column("pool.h200.chat").Values.Max());
        Assert.Equal(0.4, shared.Deployment("chat").SloAttainment, 6);
        Assert.True(shared.Conserved);
    }

    [Fact]
    public void A_unit_whose_decode_pool_is_full_takes_nothing_from_training_on_its_prefill_pool()
    {
        // The h200 pool is empty: no unit can be placed, so the job on the h100 pool must not be preempted for one.
        ClusterTrainingJob job = new() { Name = "pretrain", Pool = "h100", Job = TrainingJobs.Llama8B(dp: 4, tokens: 1e12) };
        ClusterResult shared = Run(new ClusterOptions
        {
            Pools = [Pool("h100", H100, 32, 2), Pool("h200", H200, 0, 3)],
            Jobs = [job],
            Deployments = [Chat(10) with { LaunchSeconds = 3600 }],
            Policy = ClusterPolicy.Shared,
            HorizonSeconds = 86_400,
        });

        Assert.Equal(0, shared.Job("pretrain").Preemptions);
        Assert.Equal(0, shared.Deployment("chat").SloAttainment, 9);
        Assert.True(shared.Conserved);
    }

    [Fact]
    public void Maintenance_on_the_decode_pool_stops_whole_units_and_frees_their_prefill_part_too()
    {
        ClusterResult result = Run(new ClusterOptions
        {
            Pools = [Pool("h100", H100, 32, 2) with { NodeSize = 8 }, Pool("h200", H200, 48, 3) with { NodeSize = 8 }],
            Deployments = [Chat(10)],
            Maintenance = [new MaintenanceWindow { Name = "racks", Pool = "h200", Accelerators = 16, StartSeconds = 6 * 3600, Seconds = 6 * 3600 }],
            HorizonSeconds = 86_400,
        });

        // 48 H200 less 16 offline hold 8 units; the other 2 units' H100 go idle with them.
        double[] h100 = [.. result.Series.Column("pool.h100.chat").Values];
        double[] h200 = [.. result.Series.Column("pool.h200.chat").Values];
        double[] times = [.. result.Series.TimeSeconds];
        int inside = Array.FindIndex(times, t => t > 7 * 3600);
        Assert.Equal(32, h200[inside]);
        Assert.Equal(16, h100[inside]);
        Assert.Equal(16 * 6, result.MaintenanceHours.Sum(), 6);
        Assert.Equal(0.8 + (0.2 * 18 / 24), result.Deployment("chat").SloAttainment, 2);
        Assert.True(result.Conserved);
    }

    [Fact]
    public void A_decode_part_on_a_pool_the_cluster_lacks_is_refused_by_name()
    {
        var options = new ClusterOptions
        {
            Pools = [Pool("h100", H100, 32, 2)],
            Deployments = [Chat(1)],
            HorizonSeconds = 86_400,
        };
        var e = Assert.Throws<ArgumentException>(() => new ClusterRun(options, new Simulator()));
        Assert.Contains("h200", e.Message, StringComparison.Ordinal);
    }
}
