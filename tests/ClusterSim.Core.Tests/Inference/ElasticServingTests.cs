using ClusterSim.Core.Engine;
using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.Workload;

namespace ClusterSim.Core.Tests.Inference;

/// <summary>A fleet whose replicas an owner adds and drains while it runs, on a clock the owner drives.</summary>
public class ElasticServingTests : IEventHandler
{
    private ServingCluster? _fleet;
    private readonly List<int> _added = [];

    private static ServingScenario Elastic(double rate, double seconds) => ServingScenarios.Poisson(rate, int.MaxValue) with
    {
        Replicas = [ServingScenarios.Poisson(rate, 1).Replicas[0] with { Count = 0 }],
        Elastic = true,
        HorizonSeconds = seconds,
    };

    void IEventHandler.OnEvent(Simulator simulator, in SimEvent e)
    {
        if (e.Kind == 0)
        {
            _added.Add(_fleet!.AddReplica(0));
        }
        else
        {
            _fleet!.Drain((int)e.Argument);
        }
    }

    [Fact]
    public void Requests_wait_for_the_first_replica_and_a_drained_replica_finishes_its_own_but_takes_no_more()
    {
        var simulator = new Simulator();
        _fleet = new ServingCluster(Elastic(rate: 4, seconds: 120), simulator);
        _fleet.Start();
        simulator.ScheduleAt(SimTime.FromSeconds(10), this, 0);          // the first replica comes up 10 s in
        simulator.ScheduleAt(SimTime.FromSeconds(11), this, 0);          // a second one a second later
        simulator.ScheduleAt(SimTime.FromSeconds(60), this, 1, argument: 0);   // the first is drained at 60 s
        simulator.Run();
        ServingResult result = _fleet.Finish();

        Assert.Equal([0, 1], _added);
        Assert.True(result.Conserved);
        Assert.Equal(result.Metrics.Arrived, result.Metrics.Completed + result.Metrics.Dropped);
        // Requests that arrived before 10 s waited for the first replica: TTFT of at least their wait.
        Assert.True(result.Metrics.Ttft.Quantile(1.0) >= 5, $"longest TTFT {result.Metrics.Ttft.Quantile(1.0)} s");
        Assert.Equal(0, _fleet.Outstanding(0));
        Assert.True(_fleet.Replicas[1].BusyNanos > 2 * _fleet.Replicas[0].BusyNanos, "after the drain the second replica serves everything");
    }

    [Fact]
    public void A_fixed_fleet_refuses_to_grow_and_a_started_clock_is_refused()
    {
        var fixedFleet = new ServingCluster(ServingScenarios.Poisson(4, 10));
        Assert.Throws<InvalidOperationException>(() => fixedFleet.AddReplica(0));

        var simulator = new Simulator();
        simulator.ScheduleAt(5, this, 0);
        _fleet = new ServingCluster(Elastic(4, 10), simulator);
        simulator.Run();
        Assert.Throws<ArgumentException>(() => new ServingCluster(Elastic(4, 10), simulator));
    }
}
