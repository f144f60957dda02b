namespace ClusterSim.Reporting.Charts;

/// <summary>Where the plot area sits in the image and how data map onto it (shared by the renderer and its tests).</summary>
public sealed record PlotLayout(double Left, double Top, double Right, double Bottom, double XMin, double XMax, double YMin, double YMax, bool XLog, bool YLog)
{
    public double[] XTicks { get; init; } = [];
    public double[] YTicks { get; init; } = [];

    public double PixelX(double x) => Left + ((Right - Left) * Fraction(x, XMin, XMax, XLog));
    public double PixelY(double y) => Bottom - ((Bottom - Top) * Fraction(y, YMin, YMax, YLog));

    private static double Fraction(double v, double min, double max, bool log) =>
        log ? (Math.Log10(v) - Math.Log10(min)) / (Math.Log10(max) - Math.Log10(min)) : (v - min) / (max - min);

    /// <summary>The layout of <paramref name="chart"/>: ranges from its data (stacked series summed), rounded to ticks.</summary>
    public static PlotLayout For(Chart chart)
    {
        // The ranges need only the data's extremes: kept as the values go by, not collected.
        var xs = new ValueExtent();
        var ys = new ValueExtent();
        foreach (ChartSeries s in chart.Series.Where(s => s.Kind != SeriesKind.Heatmap))
        {
            xs.AddRange(s.X);
            ys.AddRange(s.Y);
            ys.AddRange(s.Lower ?? []);
            ys.AddRange(s.Upper ?? []);
        }

        ys.AddRange(StackedLevels(chart.Series).LastOrDefault() ?? []);
        if (!chart.Y.Log && chart.Series.Any(s => s.Kind == SeriesKind.Bar) && ys.FiniteMaxOr(0) is > 0 and var top)
        {
            ys.Add(top * 1.1);   // room above the tallest bar or whisker for its value label
        }
        foreach (Marker m in chart.Markers)
        {
            (m.Vertical ? ref xs : ref ys).Add(m.Value);
        }

        bool zeroBased = !chart.Y.Log && chart.Series.Any(s => s.Kind is SeriesKind.Area or SeriesKind.StackedArea or SeriesKind.Bar);
        if (zeroBased || (!chart.Y.Log && ys.FiniteMinOr(0) >= 0))
        {
            ys.Add(0);
        }

        (double xMin, double xMax, double[] xTicks) = chart.X.Categories is { } xc ? Categorical(xc) : Range(xs, chart.X);
        if (chart.X.WholeTicks)
        {
            xTicks = xTicks.Where(t => t == Math.Round(t)).ToArray();
        }
        (double yMin, double yMax, double[] yTicks) = chart.Y.Categories is { } yc ? Categorical(yc) : Range(ys, chart.Y);
        bool legend = chart.Series.Count > 1;
        double right = chart.Width - (legend ? 200 : 48);   // room for the last tick label when there is no legend
        // Categorical y labels (heatmap rows) are wider than numbers: make room for the longest.
        double left = Math.Max(88, 16 + (7.5 * (chart.Y.Categories?.Max(c => c.Length) ?? 0)));
        return new PlotLayout(left, chart.Subtitle is null ? 56 : 76, right, chart.Height - 64, xMin, xMax, yMin, yMax, chart.X.Log, chart.Y.Log) { XTicks = xTicks, YTicks = yTicks };
    }

    /// <summary>The cumulative sums of the stacked-area series, in order.</summary>
    public static List<double[]> StackedLevels(IReadOnlyList<ChartSeries> series)
    {
        var levels = new List<double[]>();
        double[]? running = null;
        foreach (ChartSeries s in series.Where(s => s.Kind == SeriesKind.StackedArea))
        {
            double[] next = s.Y.Select((y, i) => (running is null || i >= running.Length ? 0 : running[i]) + (double.IsFinite(y) ? y : 0)).ToArray();
            levels.Add(next);
            running = next;
        }

        return levels;
    }

    private static (double, double, double[]) Categorical(IReadOnlyList<string> categories) =>
        (-0.5, categories.Count - 0.5, Enumerable.Range(0, categories.Count).Select(i => (double)i).ToArray());

    private static (double, double, double[]) Range(ValueExtent values, Axis axis)
    {
        double min = axis.Min ?? (axis.Log ? values.PositiveMinOr(0) : values.FiniteMinOr(0));
        double max = axis.Max ?? (axis.Log ? values.PositiveMaxOr(1) : values.FiniteMaxOr(1));
        if (axis.Log)
        {
            return Ticks.Log(Math.Max(min, 1e-12), Math.Max(max, min * 10));
        }

        if (axis.Unit == UnitKind.Date && axis.DateOrigin is { } origin)
        {
            return Ticks.Dates(min, max, origin);
        }

        if (axis.Unit == UnitKind.Seconds && max - min >= 120)
        {
            var (from, to, steps) = Ticks.Durations(min, max);
            from = axis.Min ?? from;
            return (from, to, steps.Where(t => t >= from - 1e-9).ToArray());
        }

        var (lo, hi, ticks) = Ticks.Linear(min, max);
        return (axis.Min ?? lo, axis.Max ?? hi, ticks.Where(t => t >= (axis.Min ?? lo) - 1e-9 && t <= (axis.Max ?? hi) + 1e-9).ToArray());
    }
}
