using System.Xml.Linq;
using ClusterSim.Reporting.Charts;
using ScottPlot;

namespace ClusterSim.Reporting.Tests.Charts;

public class ScottPlotChartRendererTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    internal static Chart Small() => new()
    {
        Id = "small",
        Title = "Latency & load <test>",
        Subtitle = "two series",
        X = new Axis("load"),
        Y = new Axis("latency", UnitKind.Seconds),
        Series =
        [
            new ChartSeries("p50", SeriesKind.Line, [0.1, 0.5, 0.9], [0.05, 0.08, 0.3]),
            new ChartSeries("p99", SeriesKind.Line, [0.1, 0.5, 0.9], [0.2, 0.4, 1.7]) { Lower = [0.15, 0.3, 1.2], Upper = [0.25, 0.5, 2.1] },
        ],
        Markers = [new Marker(1.0, "SLO 1 s", Vertical: false), new Marker(0.7, "knee")],
        Width = 640,
        Height = 400,
    };

    private static Chart Bars() => new()
    {
        Id = "bars",
        Title = "cost",
        X = new Axis("option") { Categories = ["a", "b", "c"] },
        Y = new Axis("cost", UnitKind.Usd),
        Series = [new ChartSeries("cost", SeriesKind.Bar, [0, 1, 2], [10.2, 0.18, 4.27]) { Lower = [8.4, 0.18, 3.5], Upper = [12.0, 0.18, 5.0] }],
    };

    [FontFact]
    public void Output_is_one_well_formed_svg_element_with_escaped_text_and_ids_of_its_own()
    {
        string svg = new ScottPlotChartRenderer().Render(Small());
        Assert.StartsWith("<svg ", svg, StringComparison.Ordinal);
        XDocument doc = XDocument.Parse(svg);
        Assert.Equal("chart-small", (string?)doc.Root!.Attribute("id"));
        Assert.Equal("chart", (string?)doc.Root.Attribute("class"));
        Assert.Equal("Latency & load <test>", doc.Root.Element(Svg + "title")!.Value);
        Assert.Contains(doc.Descendants(Svg + "text"), t => t.Value.Trim() == "Latency & load <test>");
        Assert.Contains(doc.Descendants(Svg + "text"), t => t.Value.Trim() == "SLO 1 s");

        // Inlined beside other charts in one report, every id is this chart's: its clip paths are named after it.
        var ids = doc.Descendants().Select(e => (string?)e.Attribute("id")).OfType<string>().ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.StartsWith(id.Contains("clip", StringComparison.Ordinal) ? "small-clip-" : "chart-small", id, StringComparison.Ordinal));
    }

    [Fact]
    public void The_same_chart_gives_the_same_bytes_whatever_was_drawn_before()
    {
        var renderer = new ScottPlotChartRenderer();
        string first = renderer.Render(Small());
        _ = renderer.Render(Bars());
        Assert.Equal(first, new ScottPlotChartRenderer().Render(Small()));
        Assert.Equal(ScottPlotChartRenderer.Png(Small()), ScottPlotChartRenderer.Png(Small()));
    }

    [Fact]
    public void Charts_drawn_at_once_on_many_threads_give_the_bytes_of_one_at_a_time()
    {
        // Reports draw their charts in parallel: clip-path ids (a process-wide counter in ScottPlot's SVG canvas) are
        // renamed per chart, and nothing else may depend on what another thread draws meanwhile.
        var renderer = new ScottPlotChartRenderer();
        Chart[] charts = [.. Enumerable.Range(0, 24).Select(i => i % 2 == 0 ? Small() with { Id = $"small-{i}" } : Bars() with { Id = $"bars-{i}" })];
        string[] alone = [.. charts.Select(renderer.Render)];
        for (int round = 0; round < 3; round++)
        {
            string[] together = new string[charts.Length];
            Parallel.For(0, charts.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => together[i] = renderer.Render(charts[i]));
            Assert.Equal(alone, together);
        }

        byte[][] pngs = [.. charts.Take(4).AsParallel().AsOrdered().Select(c => ScottPlotChartRenderer.Png(c))];
        Assert.Equal(ScottPlotChartRenderer.Png(charts[0]), pngs[0]);
        Assert.Equal(ScottPlotChartRenderer.Png(charts[3]), pngs[3]);
    }

    [Fact]
    public void The_svg_is_the_one_ScottPlot_draws_itself()
    {
        // Render skips GetSvgXml's raster layout pass and settles the layout without drawing the data: the bytes must be
        // GetSvgXml's. Lines with bands and markers, bars, stacked areas, a log axis, a step series, a long line.
        double[] x = [.. Enumerable.Range(0, 3000).Select(i => i * 10.0)];
        Chart[] charts =
        [
            Small(),
            Bars(),
            Small() with { Id = "log", Y = new Axis("latency", UnitKind.Seconds) { Log = true } },
            new Chart
            {
                Id = "stack", Title = "stack", X = new Axis("t"), Y = new Axis("share", UnitKind.Percent),
                Series = [new ChartSeries("a", SeriesKind.StackedArea, [0, 1], [0.25, 0.5]), new ChartSeries("b", SeriesKind.StackedArea, [0, 1], [0.75, 0.5])],
            },
            new Chart
            {
                Id = "long", Title = "long", Subtitle = "a step and a line", X = new Axis("time", UnitKind.Seconds), Y = new Axis("queue"),
                Series = [new ChartSeries("queue", SeriesKind.Step, x, [.. x.Select(v => Math.Floor(v / 700) % 9)]), new ChartSeries("running", SeriesKind.Line, x, [.. x.Select(v => 5 + Math.Sin(v / 300))])],
            },
        ];
        foreach (Chart chart in charts)
        {
            string own = ScottPlotChartRenderer.Standalone(chart, ScottPlotChartRenderer.Build(chart).GetSvgXml(chart.Width, chart.Height).AsMemory());
            Assert.Equal(own, new ScottPlotChartRenderer().Render(chart));
        }
    }

    [Fact]
    public void A_png_is_twice_the_chart_size()
    {
        byte[] png = ScottPlotChartRenderer.Png(Small());
        using var image = SkiaSharp.SKBitmap.Decode(png);
        Assert.Equal((1280, 800), (image.Width, image.Height));
    }

    [FontFact]
    public void Bars_carry_their_value_and_a_whisker_for_their_interval()
    {
        XDocument doc = XDocument.Parse(new ScottPlotChartRenderer().Render(Bars()));
        var texts = doc.Descendants(Svg + "text").Select(t => t.Value.Trim()).ToList();
        Assert.Contains("$10.2", texts);
        Assert.Contains("$0.18", texts);
        Assert.Contains("$4.27", texts);

        // Two bars have an interval; the bar whose interval is a point has no whisker.
        Plot plot = ScottPlotChartRenderer.Build(Bars());
        var whiskers = plot.GetPlottables<ScottPlot.Plottables.ErrorBar>().ToList();
        Assert.Equal(2, whiskers.Count);
        Assert.Equal(10.2 - 8.4, whiskers[0].YErrorNegative![0], 12);
        Assert.Equal(12.0 - 10.2, whiskers[0].YErrorPositive![0], 12);
        Assert.Equal(4.27 - 3.5, whiskers[1].YErrorNegative![0], 12);
        Assert.Equal(5.0 - 4.27, whiskers[1].YErrorPositive![0], 12);
    }

    [Fact]
    public void Plotted_points_land_where_the_data_say()
    {
        // Drawn, then read back: the pixel at each data point's coordinates is the series' colour.
        var chart = new Chart
        {
            Id = "points",
            Title = "points",
            X = new Axis("x"),
            Y = new Axis("y"),
            Series = [new ChartSeries("s", SeriesKind.Scatter, [1, 4, 7, 9], [3, 7, 2, 6])],
            Width = 500,
            Height = 400,
        };
        Plot plot = ScottPlotChartRenderer.Build(chart);
        byte[] png = plot.GetImageBytes(chart.Width, chart.Height, ImageFormat.Png);
        using var bitmap = SkiaSharp.SKBitmap.Decode(png);
        var expected = SkiaSharp.SKColor.Parse(ClusterSim.Reporting.Charts.Palette.At(0));
        for (int i = 0; i < chart.Series[0].X.Count; i++)
        {
            Pixel at = plot.GetPixel(new Coordinates(chart.Series[0].X[i], chart.Series[0].Y[i]));
            Assert.Equal(expected, bitmap.GetPixel((int)Math.Round(at.X), (int)Math.Round(at.Y)));
        }

        // The axes end at round ticks around the data (zero included for values that are all positive).
        AxisLimits limits = plot.Axes.GetLimits();
        Assert.Equal((0.0, 10.0, 0.0, 8.0), (limits.Left, limits.Right, limits.Bottom, limits.Top));
    }

    [Fact]
    public void Stacked_areas_sum_to_their_total_and_log_axes_use_decades()
    {
        var chart = new Chart
        {
            Id = "stack",
            Title = "stack",
            X = new Axis("t"),
            Y = new Axis("share", UnitKind.Percent),
            Series = [new ChartSeries("a", SeriesKind.StackedArea, [0, 1], [0.25, 0.5]), new ChartSeries("b", SeriesKind.StackedArea, [0, 1], [0.75, 0.5])],
        };
        Assert.Equal([1.0, 1.0], PlotLayout.StackedLevels(chart.Series)[^1]);
        Assert.Equal(2, ScottPlotChartRenderer.Build(chart).GetPlottables<ScottPlot.Plottables.FillY>().Count());

        var (min, max, ticks) = Ticks.Log(0.003, 45);
        Assert.Equal(0.001, min, 12);
        Assert.Equal(100, max, 12);
        Assert.Equal(6, ticks.Length);
        Assert.Equal([0, 20, 40, 60, 80, 100], Ticks.Linear(3, 97).Ticks);

        // A log axis plots log10 of the values and labels the decades with them.
        Plot log = ScottPlotChartRenderer.Build(Small() with { Y = new Axis("latency", UnitKind.Seconds) { Log = true } });
        _ = log.GetImageBytes(640, 400, ImageFormat.Png);
        var labels = ((ScottPlot.TickGenerators.NumericManual)log.Axes.Left.TickGenerator).Ticks.Select(t => (Math.Round(t.Position, 9), t.Label)).ToList();
        Assert.Contains((-2.0, "10 ms"), labels);
        Assert.Contains((0.0, "1 s"), labels);
    }

    [Fact]
    public void Date_axes_tick_on_month_starts_and_end_at_the_data()
    {
        var origin = new DateOnly(2024, 5, 1);
        double end = new DateOnly(2025, 7, 23).DayNumber - origin.DayNumber;
        var (min, max, ticks) = Ticks.Dates(0, end, origin);
        Assert.Equal((0.0, end), (min, max));
        Assert.InRange(ticks.Length, 4, 7);
        var months = ticks.Select(t => origin.AddDays((int)t)).ToList();
        Assert.All(months, d => Assert.Equal(1, d.Day));
        int step = ((months[1].Year - months[0].Year) * 12) + months[1].Month - months[0].Month;
        Assert.Contains(step, new[] { 1, 2, 3, 6, 12 });
        Assert.All(months, d => Assert.Equal(0, (d.Month - 1) % step));   // quarter starts for a step of 3, January for 12
        Assert.All(months.Zip(months.Skip(1)), p => Assert.Equal(step, ((p.Second.Year - p.First.Year) * 12) + p.Second.Month - p.First.Month));

        var (lo, hi, durations) = Ticks.Durations(0, 210);
        Assert.Equal((0.0, 210.0), (lo, hi));
        Assert.Equal([0, 60, 120, 180], durations);
    }

    [Fact]
    public void Category_names_wrap_to_their_slot_after_a_hyphen()
    {
        // training-moe's fifth label ran into its neighbour's under a 960-px chart of five bars (21 characters a slot).
        Assert.Equal("no-overlap-per-node-\ndispatch", ScottPlotChartRenderer.CategoryLabel("no-overlap-per-node-dispatch", 21));
        Assert.Equal("no-overlap-no-node-\nlimit", ScottPlotChartRenderer.CategoryLabel("no-overlap-no-node-limit", 21));
        Assert.Equal("v3-recipe", ScottPlotChartRenderer.CategoryLabel("v3-recipe", 21));
        Assert.Equal("unbreakablecategoryname", ScottPlotChartRenderer.CategoryLabel("unbreakablecategoryname", 8));
        Assert.All(ScottPlotChartRenderer.CategoryLabel("a-b-c-d-e-f-g-h-i-j-k-l-m-n-o-p", 6).Split('\n'), line => Assert.InRange(line.Length, 1, 6));
    }

    [Fact]
    public void Long_subtitles_wrap_after_a_semicolon_or_a_space()
    {
        Assert.Equal("training $74.8M over 79.3 days;\ncrossover 42.8 days after launch", ScottPlotChartRenderer.Wrap("training $74.8M over 79.3 days; crossover 42.8 days after launch", 40));
        Assert.Equal("short", ScottPlotChartRenderer.Wrap("short", 40));
        Assert.All(ScottPlotChartRenderer.Wrap(string.Join(' ', Enumerable.Repeat("word", 40)), 30).Split('\n'), line => Assert.InRange(line.Length, 1, 30));

        // A date axis with a fixed range still ticks on month starts.
        var chart = new Chart
        {
            Id = "zoom",
            Title = "zoom",
            X = new Axis("date", UnitKind.Date) { DateOrigin = new DateOnly(2024, 5, 1), Min = 0, Max = 220 },
            Y = new Axis("y"),
            Series = [new ChartSeries("s", SeriesKind.Line, [0, 220], [1, 2])],
        };
        PlotLayout layout = PlotLayout.For(chart);
        Assert.Equal((0.0, 220.0), (layout.XMin, layout.XMax));
        Assert.All(layout.XTicks, t => Assert.Equal(1, new DateOnly(2024, 5, 1).AddDays((int)t).Day));
    }

    [Fact]
    public void A_target_lines_label_moves_to_the_left_end_when_a_curve_rises_through_it_at_the_right()
    {
        // TTFT against throughput: flat far below the 0.5 s target, then up through it at the right edge.
        static Chart With(double[] y) => new()
        {
            Id = "ttft",
            Title = "ttft",
            X = new Axis("throughput"),
            Y = new Axis("ttft", UnitKind.Seconds) { Log = true },
            Series = [new ChartSeries("p99", SeriesKind.Line, [1_000, 4_000, 8_000, 11_000, 12_500, 13_000], y)],
            Markers = [new Marker(0.5, "SLO 500 ms", Vertical: false)],
        };

        Chart rising = With([0.06, 0.07, 0.09, 0.13, 0.45, 0.6]);
        Assert.True(ScottPlotChartRenderer.HorizontalLabelOnLeft(rising, PlotLayout.For(rising), rising.Markers[0]));

        Chart flat = With([0.06, 0.07, 0.09, 0.1, 0.11, 0.12]);
        Assert.False(ScottPlotChartRenderer.HorizontalLabelOnLeft(flat, PlotLayout.For(flat), flat.Markers[0]));

        // Crowded at both ends: it stays at the right, where it always was.
        Chart both = With([0.52, 0.07, 0.09, 0.1, 0.45, 0.6]);
        Assert.False(ScottPlotChartRenderer.HorizontalLabelOnLeft(both, PlotLayout.For(both), both.Markers[0]));
    }

    [Theory]
    [InlineData(1_234_567, UnitKind.Usd, "$1.23M")]
    [InlineData(3_400, UnitKind.TokensPerSecond, "3.4k tok/s")]
    [InlineData(0.25, UnitKind.Seconds, "250 ms")]
    [InlineData(0.42, UnitKind.Percent, "42 %")]
    [InlineData(75_600_000, UnitKind.Usd, "$75.6M")]
    [InlineData(0.0412, UnitKind.Number, "0.0412")]       // three significant digits below one too, so close cells differ
    [InlineData(0.0438, UnitKind.Number, "0.0438")]
    [InlineData(0.5, UnitKind.Number, "0.5")]
    [InlineData(0.000_123_4, UnitKind.Number, "0.000123")]
    [InlineData(-0.25, UnitKind.Number, "-0.25")]
    public void Units_read_like_a_person_would_write_them(double value, UnitKind unit, string expected) =>
        Assert.Equal(expected, UnitFormat.Format(value, unit));

    [Fact]
    public void Date_axes_label_calendar_months() =>
        Assert.Equal("Aug 2024", UnitFormat.Format(30, UnitKind.Date, new DateOnly(2024, 7, 23)));
}
