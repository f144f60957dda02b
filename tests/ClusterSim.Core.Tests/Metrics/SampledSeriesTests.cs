using ClusterSim.Core.Metrics;

namespace ClusterSim.Core.Tests.Metrics;

public class SampledSeriesTests
{
    [Fact]
    public void A_bounded_series_keeps_the_values_at_its_coarser_grid_times()
    {
        // The value at time t is t itself, set every unit: whatever the coarsening, point i must read i × interval.
        var bounded = new SampledSeries("t", 1, maxPoints: 8);
        var full = new SampledSeries("t", 1);
        for (long t = 0; t <= 1000; t++)
        {
            bounded.Set(t, t);
            full.Set(t, t);
        }

        Assert.InRange(bounded.Values.Count, 4, 8);
        Assert.Equal(1001, full.Values.Count);
        for (int i = 0; i < bounded.Values.Count; i++)
        {
            long time = i * bounded.IntervalNanos;
            Assert.Equal(full.Values[(int)time], bounded.Values[i]);
        }

        Assert.Equal(128, bounded.IntervalNanos);
    }
}
