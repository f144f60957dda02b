using System.Globalization;
using System.Xml.Linq;
using ClusterSim.Reporting.Charts;

namespace ClusterSim.Reporting.Tests.Charts;

public class SvgChartRendererTests
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

    [Fact]
    public void Output_is_well_formed_svg_with_escaped_text()
    {
        XDocument doc = XDocument.Parse(new SvgChartRenderer().Render(Small()));
        Assert.Equal(Svg + "svg", doc.Root!.Name);
        Assert.Equal("Latency & load <test>", doc.Root.Element(Svg + "title")!.Value);
        Assert.Equal(2, doc.Descendants(Svg + "path").Count(p => (string?)p.Attribute("class") == "series line"));
        Assert.Single(doc.Descendants(Svg + "polygon"), p => (string?)p.Attribute("class") == "band");
    }

    [Fact]
    public void Bars_carry_their_value_and_a_whisker_for_their_interval()
    {
        var chart = new Chart
        {
            Id = "bars",
            Title = "cost",
            X = new Axis("option") { Categories = ["a", "b", "c"] },
            Y = new Axis("cost", UnitKind.Usd),
            Series = [new ChartSeries("cost", SeriesKind.Bar, [0, 1, 2], [10.2, 0.18, 4.27]) { Lower = [8.4, 0.18, 3.5], Upper = [12.0, 0.18, 5.0] }],
        };
        XDocument doc = XDocument.Parse(new SvgChartRenderer().Render(chart));
        var texts = doc.Descendants(Svg + "text").Select(t => t.Value).ToList();
        Assert.Contains("$10.2", texts);
        Assert.Contains("$0.18", texts);
        Assert.Contains("$4.27", texts);

        // Two bars have an interval (a stem and two caps each); the bar whose interval is a point has none.
        XDocument plain = XDocument.Parse(new SvgChartRenderer().Render(chart with { Series = [chart.Series[0] with { Lower = null, Upper = null }] }));
        Assert.Equal(6, doc.Descendants(Svg + "line").Count() - plain.Descendants(Svg + "line").Count());
    }

    [Fact]
    public void Plotted_points_map_back_to_the_data()
    {
        Chart chart = Small();
        PlotLayout layout = PlotLayout.For(chart);
        XDocument doc = XDocument.Parse(new SvgChartRenderer().Render(chart));
        foreach (ChartSeries series in chart.Series)
        {
            string d = doc.Descendants(Svg + "path").Single(p => (string?)p.Attribute("data-series") == series.Name).Attribute("d")!.Value;
            var points = d.Split(['M', 'L'], StringSplitOptions.RemoveEmptyEntries).Select(p => p.Trim().Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToList();
            Assert.Equal(series.X.Count, points.Count);
            for (int i = 0; i < points.Count; i++)
            {
                Assert.Equal(layout.PixelX(series.X[i]), points[i][0], 0.01);
                Assert.Equal(layout.PixelY(series.Y[i]), points[i][1], 0.01);
                Assert.InRange(points[i][0], layout.Left, layout.Right);
                Assert.InRange(points[i][1], layout.Top, layout.Bottom);
            }
        }
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
        var levels = PlotLayout.StackedLevels(chart.Series);
        Assert.Equal([1.0, 1.0], levels[^1]);
        XDocument doc = XDocument.Parse(new SvgChartRenderer().Render(chart));
        Assert.Equal(2, doc.Descendants(Svg + "polygon").Count(p => ((string?)p.Attribute("class"))?.Contains("stacked", StringComparison.Ordinal) == true));

        var (min, max, ticks) = Ticks.Log(0.003, 45);
        Assert.Equal(0.001, min, 12);
        Assert.Equal(100, max, 12);
        Assert.Equal(6, ticks.Length);
        Assert.Equal([0, 20, 40, 60, 80, 100], Ticks.Linear(3, 97).Ticks);
    }

    [Theory]
    [InlineData(1_234_567, UnitKind.Usd, "$1.23M")]
    [InlineData(3_400, UnitKind.TokensPerSecond, "3.4k tok/s")]
    [InlineData(0.25, UnitKind.Seconds, "250 ms")]
    [InlineData(0.42, UnitKind.Percent, "42 %")]
    [InlineData(75_600_000, UnitKind.Usd, "$75.6M")]
    public void Units_read_like_a_person_would_write_them(double value, UnitKind unit, string expected) =>
        Assert.Equal(expected, UnitFormat.Format(value, unit));

    [Fact]
    public void Date_axes_label_calendar_months() =>
        Assert.Equal("Aug 2024", UnitFormat.Format(30, UnitKind.Date, new DateOnly(2024, 7, 23)));

    [Fact]
    public void A_small_chart_matches_its_golden_file()
    {
        string actual = new SvgChartRenderer().Render(Small());
        string golden = Path.Combine(AppContext.BaseDirectory, "Golden", "small-chart.svg");
        if (Environment.GetEnvironmentVariable("CLUSTERSIM_UPDATE_GOLDEN") == "1")
        {
            string source = Path.Combine(ClusterSim.Tests.RepositoryRoot.Path, "tests", "ClusterSim.Reporting.Tests", "Golden", "small-chart.svg");
            File.WriteAllText(source, actual);
            return;
        }

        Assert.Equal(File.ReadAllText(golden).ReplaceLineEndings("\n"), actual.ReplaceLineEndings("\n"));
    }
}
