namespace ClusterSim.Core.Metrics;

/// <summary>Time series on one shared time axis (seconds), one column per quantity, for CSV files and charts.</summary>
public sealed record SeriesTable(IReadOnlyList<double> TimeSeconds, IReadOnlyList<SeriesColumn> Columns)
{
    /// <summary>A table with no rows.</summary>
    public static SeriesTable Empty { get; } = new([], []);

    /// <summary>The column called <paramref name="name"/>.</summary>
    public SeriesColumn Column(string name) => Columns.FirstOrDefault(c => c.Name == name)
        ?? throw new ArgumentException($"no series column '{name}' (have: {string.Join(", ", Columns.Select(c => c.Name))})");

    /// <summary>
    /// At most <paramref name="maxRows"/> rows: runs of consecutive rows are averaged, each keeping its first time.
    /// Charts use it to show a trend without thousands of points.
    /// </summary>
    public SeriesTable Coarsen(int maxRows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);
        int group = (TimeSeconds.Count + maxRows - 1) / maxRows;
        if (group <= 1)
        {
            return this;
        }

        int rows = (TimeSeconds.Count + group - 1) / group;
        double[] time = Enumerable.Range(0, rows).Select(r => TimeSeconds[r * group]).ToArray();
        return new SeriesTable(time, Columns.Select(c => c with { Values = Enumerable.Range(0, rows).Select(r => Mean(c.Values, r * group, group)).ToArray() }).ToArray());
    }

    private static double Mean(IReadOnlyList<double> values, int start, int count)
    {
        int end = Math.Min(values.Count, start + count);
        double sum = 0;
        for (int i = start; i < end; i++)
        {
            sum += values[i];
        }

        return sum / (end - start);
    }
}
