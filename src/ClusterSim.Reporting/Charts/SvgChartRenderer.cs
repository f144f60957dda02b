using System.Globalization;
using System.Security;
using System.Text;

namespace ClusterSim.Reporting.Charts;

/// <summary>Renders charts as standalone SVG: no scripts, no external fonts, sizes that read on a slide.</summary>
public sealed class SvgChartRenderer : IChartRenderer
{
    private const string Ink = "#222", Grid = "#e3e3e3", Muted = "#666";

    /// <inheritdoc/>
    public string Render(Chart chart)
    {
        PlotLayout layout = PlotLayout.For(chart);
        var svg = new StringBuilder();
        string id = Escape(chart.Id);
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"chart-{id}\" class=\"chart\" viewBox=\"0 0 {chart.Width} {chart.Height}\" width=\"{chart.Width}\" height=\"{chart.Height}\" role=\"img\" aria-labelledby=\"chart-{id}-title\" font-family=\"system-ui, -apple-system, 'Segoe UI', sans-serif\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<title id=\"chart-{id}-title\">{Escape(chart.Title)}</title>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{chart.Width}\" height=\"{chart.Height}\" fill=\"#fff\"/>\n");
        Text(svg, layout.Left, 30, chart.Title, 20, "start", Ink, "600");
        if (chart.Subtitle is { } subtitle)
        {
            Text(svg, layout.Left, 54, subtitle, 14, "start", Muted);
        }

        Axes(svg, chart, layout);
        svg.Append("<g class=\"plot\">\n");
        Bands(svg, chart, layout);
        StackedAreas(svg, chart, layout);
        for (int i = 0; i < chart.Series.Count; i++)
        {
            SeriesShape(svg, chart.Series[i], i, chart.Series.Count, layout, chart.Y);
        }

        svg.Append("</g>\n");
        Markers(svg, chart, layout);
        Legend(svg, chart, layout);
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static void Axes(StringBuilder svg, Chart chart, PlotLayout l)
    {
        svg.Append("<g class=\"axes\">\n");
        foreach (double t in l.YTicks)
        {
            double y = l.PixelY(t);
            Line(svg, l.Left, y, l.Right, y, Grid, 1);
            Text(svg, l.Left - 8, y + 5, Label(chart.Y, t), 13, "end", Muted);
        }

        foreach (double t in l.XTicks)
        {
            double x = l.PixelX(t);
            Line(svg, x, l.Bottom, x, l.Bottom + 5, Muted, 1);
            Text(svg, x, l.Bottom + 22, Label(chart.X, t), 13, "middle", Muted);
        }

        Line(svg, l.Left, l.Bottom, l.Right, l.Bottom, Ink, 1.2);
        Line(svg, l.Left, l.Top, l.Left, l.Bottom, Ink, 1.2);
        Text(svg, (l.Left + l.Right) / 2, chart.Height - 16, chart.X.Label, 14, "middle", Ink);
        svg.Append(CultureInfo.InvariantCulture, $"<text transform=\"translate(20 {N((l.Top + l.Bottom) / 2)}) rotate(-90)\" font-size=\"14\" text-anchor=\"middle\" fill=\"{Ink}\">{Escape(chart.Y.Label)}</text>\n");
        svg.Append("</g>\n");
    }

    private static string Label(Axis axis, double tick) =>
        axis.Categories is { } names ? names[(int)Math.Round(tick)] : UnitFormat.Format(tick, axis.Unit, axis.DateOrigin);

    private static void Heatmap(StringBuilder svg, ChartSeries s, PlotLayout l)
    {
        int columns = (int)Math.Round(l.XMax - l.XMin), rows = (int)Math.Round(l.YMax - l.YMin);
        var finite = s.Y.Where(double.IsFinite).DefaultIfEmpty(0).ToList();
        double lo = finite.Min(), hi = finite.Max();
        double width = (l.Right - l.Left) / columns, height = (l.Bottom - l.Top) / rows;
        svg.Append(CultureInfo.InvariantCulture, $"<g class=\"series heatmap\" data-series=\"{Escape(s.Name)}\">");
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                double v = s.Y[(r * columns) + c];
                double t = hi > lo ? (v - lo) / (hi - lo) : 0.5;
                double x = l.PixelX(c) - (width / 2), y = l.PixelY(r) - (height / 2);
                svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{N(x)}\" y=\"{N(y)}\" width=\"{N(width)}\" height=\"{N(height)}\" fill=\"{Blend(t)}\" stroke=\"#fff\"/>");
                Text(svg, x + (width / 2), y + (height / 2) + 5, double.IsFinite(v) ? UnitFormat.Si(v) : "–", 13, "middle", t > 0.55 ? "#fff" : Ink);
            }
        }

        svg.Append("</g>\n");
    }

    /// <summary>A sequential light-to-dark blue scale (perceptually ordered, safe for colour-blind readers).</summary>
    private static string Blend(double t)
    {
        (int R, int G, int B) light = (0xEF, 0xF3, 0xFF), dark = (0x08, 0x30, 0x6B);
        int Mix(int a, int b) => (int)Math.Round(a + ((b - a) * Math.Clamp(t, 0, 1)));
        return $"#{Mix(light.R, dark.R):X2}{Mix(light.G, dark.G):X2}{Mix(light.B, dark.B):X2}";
    }

    private static void Bands(StringBuilder svg, Chart chart, PlotLayout l)
    {
        for (int i = 0; i < chart.Series.Count; i++)
        {
            ChartSeries s = chart.Series[i];
            if (s.Lower is null || s.Upper is null || s.Kind == SeriesKind.Bar)
            {
                continue;
            }

            var upper = Points(s.X, s.Upper, l).ToList();
            var lower = Points(s.X, s.Lower, l).Reverse().ToList();
            if (upper.Count > 1)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<polygon class=\"band\" data-series=\"{Escape(s.Name)}\" points=\"{string.Join(' ', upper.Concat(lower).Select(p => $"{N(p.X)},{N(p.Y)}"))}\" fill=\"{Palette.At(i)}\" fill-opacity=\"0.18\" stroke=\"none\"/>\n");
            }
        }
    }

    private static void StackedAreas(StringBuilder svg, Chart chart, PlotLayout l)
    {
        var levels = PlotLayout.StackedLevels(chart.Series);
        var stacked = chart.Series.Select((s, i) => (s, i)).Where(p => p.s.Kind == SeriesKind.StackedArea).ToList();
        for (int k = 0; k < stacked.Count; k++)
        {
            (ChartSeries s, int index) = stacked[k];
            double[] top = levels[k];
            double[] bottom = k == 0 ? new double[top.Length] : levels[k - 1];
            var upper = s.X.Select((x, i) => (X: l.PixelX(x), Y: l.PixelY(top[i])));
            var lower = s.X.Select((x, i) => (X: l.PixelX(x), Y: l.PixelY(bottom[i]))).Reverse();
            svg.Append(CultureInfo.InvariantCulture, $"<polygon class=\"series stacked\" data-series=\"{Escape(s.Name)}\" points=\"{string.Join(' ', upper.Concat(lower).Select(p => $"{N(p.X)},{N(p.Y)}"))}\" fill=\"{Palette.At(index)}\" fill-opacity=\"0.85\" stroke=\"none\"/>\n");
        }
    }

    private static void SeriesShape(StringBuilder svg, ChartSeries s, int index, int count, PlotLayout l, Axis y)
    {
        string colour = Palette.At(index);
        var points = Points(s.X, s.Y, l).ToList();
        switch (s.Kind)
        {
            case SeriesKind.StackedArea:
                return;
            case SeriesKind.Heatmap:
                Heatmap(svg, s, l);
                return;
            case SeriesKind.Scatter:
                svg.Append(CultureInfo.InvariantCulture, $"<g class=\"series scatter\" data-series=\"{Escape(s.Name)}\" fill=\"{colour}\">");
                foreach (var p in points)
                {
                    svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{N(p.X)}\" cy=\"{N(p.Y)}\" r=\"4.5\"/>");
                }

                svg.Append("</g>\n");
                return;
            case SeriesKind.Bar:
                double slot = (l.Right - l.Left) / Math.Max(1, s.X.Count) * 0.8 / count;
                svg.Append(CultureInfo.InvariantCulture, $"<g class=\"series bar\" data-series=\"{Escape(s.Name)}\" fill=\"{colour}\">");
                foreach (var p in points)
                {
                    double x = p.X - (slot * count / 2) + (slot * index);
                    double y0 = l.PixelY(Math.Max(l.YMin, 0));
                    svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{N(x)}\" y=\"{N(Math.Min(p.Y, y0))}\" width=\"{N(slot * 0.92)}\" height=\"{N(Math.Abs(y0 - p.Y))}\"/>");
                }

                svg.Append("</g>\n");
                BarLabels(svg, s, index, count, slot, l, y);
                return;
        }

        if (points.Count == 0)
        {
            return;
        }

        var path = new StringBuilder();
        for (int i = 0; i < points.Count; i++)
        {
            if (s.Kind == SeriesKind.Step && i > 0)
            {
                path.Append(CultureInfo.InvariantCulture, $" L{N(points[i].X)},{N(points[i - 1].Y)}");
            }

            path.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? "M" : " L")}{N(points[i].X)},{N(points[i].Y)}");
        }

        if (s.Kind == SeriesKind.Area)
        {
            double y0 = l.PixelY(l.YLog ? l.YMin : Math.Max(l.YMin, 0));
            svg.Append(CultureInfo.InvariantCulture, $"<path class=\"area\" d=\"{path} L{N(points[^1].X)},{N(y0)} L{N(points[0].X)},{N(y0)} Z\" fill=\"{colour}\" fill-opacity=\"0.25\" stroke=\"none\"/>\n");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<path class=\"series line\" data-series=\"{Escape(s.Name)}\" d=\"{path}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2.5\" stroke-linejoin=\"round\"/>\n");
    }

    private static void Markers(StringBuilder svg, Chart chart, PlotLayout l)
    {
        int vertical = 0;
        foreach (Marker m in chart.Markers)
        {
            if (m.Vertical)
            {
                double x = l.PixelX(m.Value);
                svg.Append(CultureInfo.InvariantCulture, $"<g class=\"marker\" data-value=\"{N(m.Value)}\">");
                Line(svg, x, l.Top, x, l.Bottom, Ink, 1.5, dashed: true);
                bool leftSide = x + 6 + (8 * m.Label.Length) > l.Right;   // right of the line unless the label would run off the plot
                // Successive labels step down so neighbouring markers do not overprint each other.
                Text(svg, leftSide ? x - 6 : x + 6, l.Top + 16 + (22 * vertical++), m.Label, 14, leftSide ? "end" : "start", Ink, "600");
                svg.Append("</g>\n");
            }
            else
            {
                double y = l.PixelY(m.Value);
                svg.Append(CultureInfo.InvariantCulture, $"<g class=\"marker\" data-value=\"{N(m.Value)}\">");
                Line(svg, l.Left, y, l.Right, y, "#B00020", 1.5, dashed: true);
                Text(svg, l.Right - 4, y - 6, m.Label, 13, "end", "#B00020", "600");
                svg.Append("</g>\n");
            }
        }
    }

    private static void Legend(StringBuilder svg, Chart chart, PlotLayout l)
    {
        if (l.Right > chart.Width - 100)
        {
            return;
        }

        svg.Append("<g class=\"legend\">\n");
        for (int i = 0; i < chart.Series.Count; i++)
        {
            double y = l.Top + 8 + (i * 24);
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{N(l.Right + 18)}\" y=\"{N(y - 10)}\" width=\"14\" height=\"14\" fill=\"{Palette.At(i)}\"/>");
            Text(svg, l.Right + 40, y + 2, chart.Series[i].Name, 13, "start", Ink);
        }

        svg.Append("</g>\n");
    }

    /// <summary>Each bar's 95 % interval as a whisker, and its value written above it.</summary>
    private static void BarLabels(StringBuilder svg, ChartSeries s, int index, int count, double slot, PlotLayout l, Axis y)
    {
        for (int i = 0; i < Math.Min(s.X.Count, s.Y.Count); i++)
        {
            if (!double.IsFinite(s.X[i]) || !double.IsFinite(s.Y[i]) || (l.YLog && s.Y[i] <= 0))
            {
                continue;
            }

            double centre = l.PixelX(s.X[i]) - (slot * count / 2) + (slot * index) + (slot * 0.46);
            double top = l.PixelY(s.Y[i]);
            if (s.Lower is { } lower && s.Upper is { } upper && double.IsFinite(lower[i]) && double.IsFinite(upper[i]) && upper[i] > lower[i] && (!l.YLog || lower[i] > 0))
            {
                double high = l.PixelY(upper[i]), low = l.PixelY(lower[i]);
                Line(svg, centre, high, centre, low, Ink, 1.2);
                Line(svg, centre - 5, high, centre + 5, high, Ink, 1.2);
                Line(svg, centre - 5, low, centre + 5, low, Ink, 1.2);
                top = Math.Min(top, high);
            }

            Text(svg, centre, top - 6, UnitFormat.Format(s.Y[i], y.Unit, y.DateOrigin), 12, "middle", Ink);
        }
    }

    private static IEnumerable<(double X, double Y)> Points(IReadOnlyList<double> xs, IReadOnlyList<double> ys, PlotLayout l)
    {
        for (int i = 0; i < Math.Min(xs.Count, ys.Count); i++)
        {
            double x = xs[i], y = ys[i];
            if (double.IsFinite(x) && double.IsFinite(y) && (!l.XLog || x > 0) && (!l.YLog || y > 0))
            {
                yield return (l.PixelX(x), l.PixelY(y));
            }
        }
    }

    private static void Line(StringBuilder svg, double x1, double y1, double x2, double y2, string colour, double width, bool dashed = false) =>
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{N(x1)}\" y1=\"{N(y1)}\" x2=\"{N(x2)}\" y2=\"{N(y2)}\" stroke=\"{colour}\" stroke-width=\"{N(width)}\"{(dashed ? " stroke-dasharray=\"6 4\"" : string.Empty)}/>\n");

    private static void Text(StringBuilder svg, double x, double y, string text, int size, string anchor, string colour, string weight = "400") =>
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{N(x)}\" y=\"{N(y)}\" font-size=\"{size}\" text-anchor=\"{anchor}\" fill=\"{colour}\" font-weight=\"{weight}\">{Escape(text)}</text>\n");

    /// <summary>Pixel coordinates with two decimals, invariant culture.</summary>
    public static string N(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Escape(string text) => SecurityElement.Escape(text) ?? string.Empty;
}
