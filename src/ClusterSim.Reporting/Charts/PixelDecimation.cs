namespace ClusterSim.Reporting.Charts;

/// <summary>
/// Thins a long series to what a chart can show: the x range split into one bucket per pixel column, and from each
/// bucket its first, lowest, highest and last points in their order. Every spike and dip stays visible and the line
/// looks the same, but a 13,000-point series draws from about 4 points a column (a smaller SVG, drawn faster).
/// </summary>
public static class PixelDecimation
{
    /// <summary>The points of (<paramref name="x"/>, <paramref name="y"/>), x ascending, kept for <paramref name="columns"/> pixel columns; all of them when there are few.</summary>
    public static (double[] X, double[] Y) Reduce(double[] x, double[] y, int columns)
    {
        int n = x.Length;
        if (n <= 4 * columns || columns < 1 || !(x[^1] > x[0]))
        {
            return (x, y);
        }

        var keptX = new double[4 * columns];   // at most four a column (n is larger)
        var keptY = new double[4 * columns];
        int kept = 0;
        double width = (x[^1] - x[0]) / columns;
        int start = 0;
        while (start < n)
        {
            int column = Math.Min(columns - 1, (int)((x[start] - x[0]) / width));
            int end = start;
            int low = start, high = start;
            while (end < n && Math.Min(columns - 1, (int)((x[end] - x[0]) / width)) == column)
            {
                low = y[end] < y[low] ? end : low;
                high = y[end] > y[high] ? end : high;
                end++;
            }

            // First, the extremes in the order they occur, last: each index once.
            int previous = -1;
            ReadOnlySpan<int> picks = [start, Math.Min(low, high), Math.Max(low, high), end - 1];
            foreach (int i in picks)
            {
                if (i != previous)
                {
                    keptX[kept] = x[i];
                    keptY[kept++] = y[i];
                    previous = i;
                }
            }

            start = end;
        }

        return (keptX[..kept], keptY[..kept]);
    }
}
