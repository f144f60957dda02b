using ClusterSim.Core.Metrics;

namespace ClusterSim.Core.Tests.Metrics;

public class SeriesTableTests
{
    [Fact]
    public void Coarsening_averages_runs_of_rows_and_keeps_each_run_first_time()
    {
        var table = new SeriesTable([0, 1, 2, 3, 4, 5, 6], [new SeriesColumn("x", "u", [1, 3, 5, 7, 9, 11, 100])]);
        SeriesTable coarse = table.Coarsen(3);
        Assert.Equal([0, 3, 6], coarse.TimeSeconds);
        Assert.Equal([3, 9, 100], coarse.Column("x").Values);   // groups of ceil(7/3) = 3 rows; the last one is short
        Assert.Same(table, table.Coarsen(7));
    }

    [Fact]
    public void Coarsening_preserves_the_time_weighted_total_of_equal_buckets()
    {
        double[] values = Enumerable.Range(0, 2000).Select(i => Math.Sin(i / 50.0) + 1).ToArray();
        var table = new SeriesTable(Enumerable.Range(0, 2000).Select(i => i * 3600.0).ToArray(), [new SeriesColumn("share", "share", values)]);
        SeriesTable coarse = table.Coarsen(160);
        Assert.True(coarse.TimeSeconds.Count <= 160);
        // 2000 rows in groups of 13: 153 full groups and a last one of 11 rows.
        IReadOnlyList<double> means = coarse.Column("share").Values;
        Assert.Equal(154, means.Count);
        Assert.Equal(values.Sum(), (means.Take(153).Sum() * 13) + (means[153] * 11), 6);
    }
}
