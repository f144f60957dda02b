using ClusterSim.Core.Inference;

namespace ClusterSim.Core.Tests.Inference;

/// <summary>Where a stretch stops: after the first iteration ending at or past an end horizon, or starting at or past a start horizon.</summary>
public class StretchHorizonTests
{
    [Theory]
    [InlineData(0, 10, false)]    // ends before the arrival at 12
    [InlineData(10, 20, true)]    // the arrival lands in it: an engine without async scheduling admits it at its end
    [InlineData(12, 20, true)]    // ends past it too
    public void An_end_horizon_stops_the_iteration_in_which_it_falls(long start, long end, bool stops) =>
        Assert.Equal(stops, new StretchHorizon(12, long.MaxValue).StopsAfter(start, end));

    [Theory]
    [InlineData(0, 10, false)]
    [InlineData(10, 20, false)]   // the arrival at 12 lands in it; the next step was formed without it
    [InlineData(20, 30, true)]    // the first to start after it: its end admits the arrival
    [InlineData(12, 20, true)]    // starting at the arrival's instant counts as after it
    public void A_start_horizon_stops_the_first_iteration_that_starts_at_or_after_it(long start, long end, bool stops) =>
        Assert.Equal(stops, new StretchHorizon(long.MaxValue, 12).StopsAfter(start, end));

    [Fact]
    public void The_earliest_bounds_every_iteration_that_runs_wholly_before_it()
    {
        var horizon = new StretchHorizon(50, 30);
        Assert.Equal(30, horizon.Earliest);
        Assert.False(horizon.StopsAfter(20, 29));
        Assert.True(horizon.StopsAfter(30, 49));
        Assert.True(horizon.StopsAfter(29, 50));
    }
}
