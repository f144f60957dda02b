using ClusterSim.Core.Engine;
using ClusterSim.Core.Inference;
using ClusterSim.Core.Tests.Engine;

namespace ClusterSim.Core.Tests.Inference;

/// <summary>
/// An elastic fleet of prefill/decode units: added, drained and given back whole, each hand-off in flight keeping the
/// unit it left held, on a clock the owner drives.
/// </summary>
public class ElasticUnitsTests : IEventHandler
{
    private ServingCluster? _fleet;
    private readonly List<int> _added = [];
    private readonly List<(long Time, int Outstanding)> _afterDrain = [];
    private int _drained = -1;

    /// <summary>Units of two prefill replicas and one decode replica of Llama 3.1 8B on H100, Poisson arrivals with 2,000-token prompts.</summary>
    private static ServingScenario Units(double rate, double seconds, double linkGBps = 50) => ServingScenarios.Poisson(rate, int.MaxValue) with
    {
        Replicas = [ServingScenarios.Poisson(rate, 1).Replicas[0] with { Count = 0 }],
        Elastic = true,
        Placements = [new FleetPlacement(0, new Disaggregation(2, linkGBps), 0, 1)],
        HorizonSeconds = seconds,
        Workload = s => Core.Inference.Workload.RequestSource.Open(Core.Inference.Workload.ArrivalProcess.Poisson(rate),
            Core.Inference.Workload.TokenLengths.Fixed(2000), Core.Inference.Workload.TokenLengths.Fixed(200), s),
    };

    void IEventHandler.OnEvent(Simulator simulator, in SimEvent e)
    {
        if (e.Kind == 0)
        {
            _added.Add(_fleet!.AddReplica(0));
        }
        else
        {
            _drained = (int)e.Argument;
            _fleet!.Drain(_drained);
        }
    }

    private (ServingResult Result, long Checked) Run(double rate, double seconds, params (double At, int Kind, int Unit)[] moves) =>
        Run(Units(rate, seconds), moves);

    private (ServingResult Result, long Checked) Run(ServingScenario scenario, params (double At, int Kind, int Unit)[] moves)
    {
        var simulator = new Simulator();
        _fleet = new ServingCluster(scenario, simulator);
        var checks = new CheckEveryEvent(() =>
        {
            _fleet.AssertInvariants();
            if (_drained >= 0)
            {
                _afterDrain.Add((simulator.Now, _fleet.Outstanding(_drained)));
            }
        });
        simulator.Trace = checks;
        _fleet.Start();
        foreach ((double at, int kind, int unit) in moves)
        {
            simulator.ScheduleAt(SimTime.FromSeconds(at), this, kind, argument: unit);
        }

        simulator.Run();
        return (_fleet.Finish(), checks.Count);
    }

    [Fact]
    public void A_unit_adds_its_prefill_and_decode_replicas_and_every_request_is_served_once()
    {
        (ServingResult result, long checkedEvents) = Run(6, 60, (0, 0, 0));

        Assert.Equal([0], _added);
        Assert.Equal(3, _fleet!.Replicas.Count);   // two prefill replicas and one decode replica
        Assert.True(checkedEvents > 1000, $"{checkedEvents} events checked");
        Assert.True(result.Conserved);
        Assert.True(result.Metrics.Completed > 300, $"{result.Metrics.Completed} completed");
        Assert.Equal(result.Metrics.Completed * 200L, result.Metrics.OutputTokens);
        (double prefill, double decode) = result.PoolUtilisation!.Value;
        Assert.True(prefill > 0 && decode > 0, $"prefill {prefill}, decode {decode}");
        Assert.True(_fleet.Replicas[2].BusyNanos > 0 && _fleet.Replicas[0].BusyNanos > 0);
    }

    [Fact]
    public void A_drained_unit_takes_no_more_work_while_another_decodes_and_gives_back_when_done()
    {
        (ServingResult result, _) = Run(6, 60, (0, 0, 0), (10, 0, 0), (30, 1, 0));

        Assert.Equal([0, 1], _added);
        Assert.True(result.Conserved);
        Assert.Equal(0, _fleet!.Outstanding(0));
        // After the drain, unit 0 only finishes what it held: its outstanding count never rises.
        for (int i = 1; i < _afterDrain.Count; i++)
        {
            Assert.True(_afterDrain[i].Outstanding <= _afterDrain[i - 1].Outstanding, $"unit 0 took work at {_afterDrain[i].Time} ns");
        }
    }

    [Fact]
    public void Hand_offs_in_flight_when_the_last_unit_drains_decode_on_that_unit_which_stays_held_until_they_land()
    {
        // The only unit is drained at 30 s and another comes up at 40 s. Over a slow link (half a second a 2,000-token
        // cache) several hand-offs are crossing when it drains; with no decode replica taking work, each lands on that
        // unit's own decode replica (its count moves from the link to the replica, never rising); requests sent in
        // between wait at the front end for the second unit.
        (ServingResult result, _) = Run(Units(6, 60, linkGBps: 0.5), (0, 0, 0), (30, 1, 0), (40, 0, 0));

        Assert.True(result.Conserved);
        Assert.Equal(0, _fleet!.Outstanding(0));
        Assert.True(_afterDrain[0].Outstanding > 0, "the unit held work when drained");
        for (int i = 1; i < _afterDrain.Count; i++)
        {
            Assert.True(_afterDrain[i].Outstanding <= _afterDrain[i - 1].Outstanding, $"unit 0 took work at {_afterDrain[i].Time} ns");
        }

        Assert.True(result.Metrics.Ttft.Quantile(1.0) >= 5, $"longest TTFT {result.Metrics.Ttft.Quantile(1.0)} s: requests waited for the second unit");
    }

    [Fact]
    public void A_unit_needs_a_prefill_and_a_decode_replica_an_elastic_fleet_and_an_empty_start()
    {
        ServingScenario units = Units(1, 10);
        Assert.Contains("one decode replica", Refusal(units with { Placements = [new FleetPlacement(0, new Disaggregation(2, 50), 0, 0)] }));
        Assert.Contains("prefill_replicas", Refusal(units with { Placements = [new FleetPlacement(0, new Disaggregation(0, 50), 0, 1)] }));
        Assert.Contains("group 1", Refusal(units with { Placements = [new FleetPlacement(1)] }));
        Assert.Contains("without a split", Refusal(units with { Placements = [new FleetPlacement(0, DecodeGroup: 0, DecodeReplicas: 1)] }));
        Assert.Contains("elastic fleet's owner", Refusal(units with { Elastic = false, Replicas = [units.Replicas[0] with { Count = 3 }] }));
        Assert.Contains("by its placements", Refusal(units with { Disaggregation = new Disaggregation(2, 50) }));
        Assert.Contains("starts empty", Refusal(units with { Replicas = [units.Replicas[0] with { Count = 1 }] }));
    }

    [Fact]
    public void A_placement_out_of_range_is_refused_when_added()
    {
        _fleet = new ServingCluster(Units(1, 10), new Simulator());
        Assert.Throws<ArgumentOutOfRangeException>(() => _fleet.AddReplica(1));
    }

    private static string Refusal(ServingScenario scenario) => Assert.Throws<ArgumentException>(() => new ServingCluster(scenario)).Message;
}
