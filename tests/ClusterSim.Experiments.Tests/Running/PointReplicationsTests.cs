using ClusterSim.Core.Metrics;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Results;
using ClusterSim.Experiments.Running;

namespace ClusterSim.Experiments.Tests.Running;

public class PointReplicationsTests
{
    private static RecordedResult Run(double value) => new(true, [("x", value)], SeriesTable.Empty, QuantileTable.Empty);

    [Fact]
    public void A_fixed_count_keeps_all_of_them_in_order_whatever_order_they_arrive_in()
    {
        var point = new PointReplications(3, 3, null);
        Assert.Equal(0, point.Arrived(2, Run(3), ahead: 4));
        Assert.Equal(0, point.Arrived(0, Run(1), ahead: 4));
        Assert.Null(point.Kept);
        Assert.Equal(0, point.Arrived(1, Run(2), ahead: 4));
        Assert.Equal([1.0, 2.0, 3.0], point.Kept!.Select(r => r.Scalars()[0].Value));
    }

    [Fact]
    public void Sequential_replications_ask_for_more_ahead_decide_on_the_prefix_and_drop_what_ran_past_the_decision()
    {
        // 10, 30, 20, 20: the 95 % half-width is 127 over two, 24.8 over three and 13.0 over four, against ±70 % of a
        // mean of 20 (14): narrow enough from the fourth on.
        var point = new PointReplications(2, 10, new ReplicationTarget(10, "x", 0.7));
        Assert.Equal(0, point.Arrived(1, Run(30), ahead: 2));
        Assert.Equal(2, point.Arrived(0, Run(10), ahead: 2));   // wide: replications 2 and 3 are asked for
        Assert.Equal(4, point.Scheduled);
        Assert.Equal(0, point.Arrived(3, Run(20), ahead: 2));   // out of order: nothing decided past a gap
        Assert.Null(point.Kept);
        Assert.Equal(0, point.Arrived(2, Run(20), ahead: 2));   // the prefix is now four long: narrow at four, not at three
        Assert.Equal([10.0, 30.0, 20.0, 20.0], point.Kept!.Select(r => r.Scalars()[0].Value));
        Assert.Equal(0, point.Arrived(4, Run(99), ahead: 2));   // run ahead of the decision: dropped
        Assert.Equal(4, point.Kept!.Length);
    }

    [Fact]
    public void The_most_allowed_ends_a_point_whose_interval_stays_wide()
    {
        var point = new PointReplications(2, 3, new ReplicationTarget(3, "x", 0.01));
        point.Arrived(0, Run(1), ahead: 1);
        Assert.Equal(1, point.Arrived(1, Run(5), ahead: 1));
        Assert.Equal(0, point.Arrived(2, Run(9), ahead: 1));
        Assert.Equal(3, point.Kept!.Length);
    }

    [Fact]
    public void A_metric_without_a_finite_value_has_nothing_to_narrow()
    {
        var until = new ReplicationTarget(10, "x", 0.05);
        Assert.True(until.Narrow([double.NaN, double.NaN]));
        Assert.False(until.Narrow([1.0, double.NaN]));   // one finite value: no interval yet
        Assert.True(until.Narrow([2.0, 2.0]));
    }
}
