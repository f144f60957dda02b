using System.Buffers;
using System.Text;
using SkiaSharp;
using System.Globalization;
using System.Security;
using ScottPlot;

namespace ClusterSim.Reporting.Charts;

/// <summary>
/// Renders charts through ScottPlot: SVG for the report (inline) and charts/*.svg, PNG at any scale for slides. The
/// ranges and ticks are <see cref="PlotLayout"/>'s (round steps, month starts on date axes, decades on log axes, the axis
/// ending at the data); ScottPlot draws. A log axis plots log10 of its values and labels its decades with the values.
/// The same chart always gives the same bytes: ScottPlot's process-wide clip-path counter is renumbered per chart.
/// </summary>
public sealed class ScottPlotChartRenderer : IChartRenderer
{
    /// <summary>The winning bar's colour: Okabe–Ito vermillion, apart from the blue of the others for every common colour vision.</summary>
    private static readonly Color Winner = Color.FromHex("#D55E00");

    private static readonly Color Ink = Color.FromHex("#222222"), Muted = Color.FromHex("#666666"), Target = Color.FromHex("#B00020");

    /// <summary>The first sans-serif family this machine has (ScottPlot's own guess can land on a serif face).</summary>
    private static readonly string Sans = new[] { "DejaVu Sans", "Liberation Sans", "Arial", "Helvetica", "Noto Sans" }.FirstOrDefault(name => string.Equals(Fonts.GetTypeface(name, bold: false, italic: false)?.FamilyName, name, StringComparison.Ordinal)) ?? Fonts.Default;

    static ScottPlotChartRenderer() => Fonts.Default = Sans;

    /// <summary>
    /// False on a machine with no font installed: the charts still draw, but without a word or a number on them.
    /// The report says so and the command warns; installing a font (apt-get install fonts-dejavu-core) fixes it.
    /// </summary>
    public static bool CanDrawText { get; } = Fonts.GetTypeface(Sans, bold: false, italic: false) is { GlyphCount: > 0 };

    /// <summary>The warning for a machine without fonts (see <see cref="CanDrawText"/>).</summary>
    public const string NoFontWarning = "no font is installed, so the charts carry no text (axes, labels, titles); install one (e.g. apt-get install fonts-dejavu-core) and run again";

    /// <inheritdoc/>
    /// <remarks>Thread-safe: charts may be drawn in parallel (each has its own plot; clip-path ids are renamed per chart).</remarks>
    public string Render(Chart chart) => SvgXml(Build(chart), chart.Width, chart.Height, svg => Standalone(chart, svg));

    /// <summary>
    /// The plot as SVG text, handed to <paramref name="finish"/> (which makes the one string kept) from a pooled buffer.
    /// ScottPlot's own GetSvgXml settles the layout (tick labels, margins) with a raster render it throws away, which for a
    /// long series costs several times the SVG itself; a canvas that draws nothing settles it the same (layout measures
    /// text with the font, not the canvas), and the SVG is then drawn as GetSvgXml draws it.
    /// </summary>
    private static string SvgXml(Plot plot, int width, int height, SvgFinish finish)
    {
        // The settling render need not draw the data either (the axes' limits are ours, not the data's).
        List<IRenderAction> actions = plot.RenderManager.RenderActions;
        int plottables = actions.FindIndex(a => a is ScottPlot.Rendering.RenderActions.RenderPlottables);
        IRenderAction drawData = actions[plottables];
        actions.RemoveAt(plottables);
        using (var layout = new SKNoDrawCanvas(width, height))
        {
            plot.Render(layout, width, height);
        }

        actions.Insert(plottables, drawData);

        using var stream = new PooledWriteStream();
        using (SKCanvas canvas = SKSvgCanvas.Create(new SKRect(0, 0, width, height), stream))
        {
            bool clear = plot.RenderManager.ClearCanvasBeforeEachRender;
            plot.RenderManager.ClearCanvasBeforeEachRender = false;
            plot.Render(canvas, width, height);
            plot.RenderManager.ClearCanvasBeforeEachRender = clear;
        }

        // A long series' SVG is a few hundred kilobytes: decoded once into a pooled buffer, not copied string to string.
        char[] text = ArrayPool<char>.Shared.Rent(Encoding.UTF8.GetMaxCharCount(stream.Written.Length));
        try
        {
            int chars = Encoding.UTF8.GetChars(stream.Written, text);
            return finish(text.AsMemory(0, chars));
        }
        finally
        {
            ArrayPool<char>.Shared.Return(text);
        }
    }

    private delegate string SvgFinish(ReadOnlyMemory<char> svg);

    /// <summary>
    /// Loads what drawing needs (the font, SkiaSharp's native library, ScottPlot's statics) by drawing a small chart and
    /// discarding it; a run calls this on another core while it simulates, so the report does not wait for it.
    /// </summary>
    public static void WarmUp()
    {
        var chart = new Chart { Id = "warm-up", Title = "warm-up", X = new Axis("x"), Y = new Axis("y"), Series = [new ChartSeries("s", SeriesKind.Line, [0.0, 1.0], [0.0, 1.0])] };
        _ = new ScottPlotChartRenderer().Render(chart);
    }

    /// <summary>The chart as a PNG of <paramref name="scale"/> times its size (2: sharp on a slide or a high-density screen).</summary>
    public static byte[] Png(Chart chart, double scale = 2)
    {
        Plot plot = Build(chart);
        plot.ScaleFactor = scale;
        return plot.GetImageBytes((int)Math.Round(chart.Width * scale), (int)Math.Round(chart.Height * scale), ImageFormat.Png);
    }

    /// <summary>The ScottPlot plot for <paramref name="chart"/> (tests read its plottables and pixel mapping).</summary>
    internal static Plot Build(Chart chart)
    {
        PlotLayout layout = PlotLayout.For(chart);
        var plot = new Plot();
        plot.Font.Set(Sans);
        // A subtitle wider than the chart wraps onto a second line (at "; " where it can) rather than run off both sides.
        plot.Axes.Title.Label.Text = chart.Subtitle is null ? chart.Title : chart.Title + "\n" + Wrap(chart.Subtitle, chart.Width / 10);
        plot.Axes.Title.Label.FontSize = 18;
        plot.Axes.Title.Label.ForeColor = Ink;
        plot.XLabel(chart.X.Label, 14);
        plot.YLabel(chart.Y.Label, 14);
        plot.Grid.MajorLineColor = Color.FromHex("#e3e3e3");

        Func<double, double> fx = Scale(chart.X), fy = Scale(chart.Y);
        plot.Axes.SetLimits(fx(layout.XMin), fx(layout.XMax), fy(layout.YMin), fy(layout.YMax));
        // Category names under the bars wrap to their slot (about 7.5 px a character at 13 px) rather than run into each other.
        int slotCharacters = chart.X.Categories is { Count: > 0 } xc ? Math.Max(6, (int)((layout.Right - layout.Left) / xc.Count / 7.5)) : int.MaxValue;
        plot.Axes.Bottom.TickGenerator = Ticks(layout.XTicks, chart.X, fx, slotCharacters);
        plot.Axes.Left.TickGenerator = Ticks(layout.YTicks, chart.Y, fy, int.MaxValue);
        foreach (IAxis axis in new IAxis[] { plot.Axes.Bottom, plot.Axes.Left })
        {
            axis.TickLabelStyle.FontSize = 13;
            axis.TickLabelStyle.ForeColor = Muted;
        }

        Bands(plot, chart, fx, fy);
        StackedAreas(plot, chart, fx, fy);
        int bars = chart.Series.Count(s => s.Kind == SeriesKind.Bar), bar = 0;
        for (int i = 0; i < chart.Series.Count; i++)
        {
            ChartSeries s = chart.Series[i];
            Color colour = Color.FromHex(Palette.At(i));
            switch (s.Kind)
            {
                case SeriesKind.StackedArea:
                    break;
                case SeriesKind.Heatmap:
                    Heatmap(plot, s, layout);
                    break;
                case SeriesKind.Bar:
                    Bars(plot, s, colour, bar++, bars, layout, chart.Y, fx, fy);
                    break;
                default:
                    Line(plot, s, colour, layout, fx, fy);
                    break;
            }
        }

        Markers(plot, chart, layout, fx, fy);
        if (chart.Series.Count > 1 && chart.Series.Any(s => s.Kind != SeriesKind.Heatmap))
        {
            plot.ShowLegend(Edge.Right);
        }
        else
        {
            plot.HideLegend();
        }

        return plot;
    }

    /// <summary><paramref name="text"/> in lines of at most about <paramref name="width"/> characters, broken after "; " or else at a space.</summary>
    internal static string Wrap(string text, int width)
    {
        var lines = new List<string>();
        string rest = text;
        while (rest.Length > width)
        {
            int at = rest.LastIndexOf("; ", width, StringComparison.Ordinal);
            at = at > width / 3 ? at + 1 : rest.LastIndexOf(' ', width);
            if (at <= 0)
            {
                break;
            }

            lines.Add(rest[..at].TrimEnd());
            rest = rest[(at + 1)..].TrimStart();
        }

        lines.Add(rest);
        return string.Join("\n", lines);
    }

    private static Func<double, double> Scale(Axis axis) => axis.Log ? Math.Log10 : v => v;

    private static ScottPlot.TickGenerators.NumericManual Ticks(double[] ticks, Axis axis, Func<double, double> scale, int categoryCharacters) =>
        new(ticks.Select(scale).ToArray(), ticks.Select(t => axis.Categories is { } names ? CategoryLabel(names[(int)Math.Round(t)], categoryCharacters) : UnitFormat.Format(t, axis.Unit, axis.DateOrigin)).ToArray());

    /// <summary>
    /// A category name in lines of at most about <paramref name="width"/> characters, broken after a '-', '_' or ' '
    /// ("no-overlap-per-node-" / "dispatch"); a name with nowhere to break stays whole.
    /// </summary>
    internal static string CategoryLabel(string name, int width)
    {
        var lines = new List<string>();
        string rest = name;
        while (rest.Length > width)
        {
            int at = rest.LastIndexOfAny(['-', '_', ' '], Math.Min(width, rest.Length) - 1);
            if (at <= 0)
            {
                break;
            }

            lines.Add(rest[..(at + 1)].TrimEnd());
            rest = rest[(at + 1)..];
        }

        lines.Add(rest);
        return string.Join("\n", lines);
    }

    /// <summary>The finite points of a series that the axes can show (positive on a log axis), scaled.</summary>
    private static (double[] X, double[] Y) Finite(IReadOnlyList<double> xs, IReadOnlyList<double> ys, Func<double, double> fx, Func<double, double> fy)
    {
        int n = Math.Min(xs.Count, ys.Count), kept = 0;
        var x = new double[n];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            double a = fx(xs[i]), b = fy(ys[i]);
            if (double.IsFinite(a) && double.IsFinite(b))
            {
                x[kept] = a;
                y[kept++] = b;
            }
        }

        return kept == n ? (x, y) : (x[..kept], y[..kept]);
    }

    private static void Line(Plot plot, ChartSeries s, Color colour, PlotLayout layout, Func<double, double> fx, Func<double, double> fy)
    {
        (double[] x, double[] y) = Finite(s.X, s.Y, fx, fy);
        if (x.Length == 0)
        {
            return;
        }

        if (s.Kind != SeriesKind.Scatter && IsAscending(x))
        {
            // More points than pixel columns add nothing a reader can see: keep each column's first, extremes and last.
            (x, y) = PixelDecimation.Reduce(x, y, (int)Math.Ceiling(layout.Right - layout.Left));
        }

        var scatter = plot.Add.Scatter(x, y, colour);
        scatter.LegendText = s.Name;
        scatter.LineWidth = s.Kind == SeriesKind.Scatter ? 0 : 2.5f;
        scatter.MarkerSize = s.Kind == SeriesKind.Scatter ? 9 : 0;
        if (s.Kind == SeriesKind.Step)
        {
            scatter.ConnectStyle = ConnectStyle.StepHorizontal;
        }

        if (s.Kind == SeriesKind.Area)
        {
            scatter.FillY = true;
            scatter.FillYValue = fy(layout.YLog ? layout.YMin : Math.Max(layout.YMin, 0));
            scatter.FillYColor = colour.WithAlpha(0.25);
        }
    }

    private static bool IsAscending(double[] x)
    {
        for (int i = 1; i < x.Length; i++)
        {
            if (x[i] < x[i - 1])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A shaded band between each line series' lower and upper bounds (its 95 % interval).</summary>
    private static void Bands(Plot plot, Chart chart, Func<double, double> fx, Func<double, double> fy)
    {
        for (int i = 0; i < chart.Series.Count; i++)
        {
            ChartSeries s = chart.Series[i];
            if (s.Lower is not { } lower || s.Upper is not { } upper || s.Kind is SeriesKind.Bar or SeriesKind.Heatmap)
            {
                continue;
            }

            var points = new List<(double X, double Low, double High)>();
            for (int k = 0; k < Math.Min(s.X.Count, Math.Min(lower.Count, upper.Count)); k++)
            {
                double x = fx(s.X[k]), lo = fy(lower[k]), hi = fy(upper[k]);
                if (double.IsFinite(x) && double.IsFinite(lo) && double.IsFinite(hi))
                {
                    points.Add((x, lo, hi));
                }
            }

            if (points.Count > 1)
            {
                var band = plot.Add.FillY(points);
                band.FillColor = Color.FromHex(Palette.At(i)).WithAlpha(0.18);
                band.LineWidth = 0;
            }
        }
    }

    private static void StackedAreas(Plot plot, Chart chart, Func<double, double> fx, Func<double, double> fy)
    {
        var levels = PlotLayout.StackedLevels(chart.Series);
        var stacked = chart.Series.Select((s, i) => (s, i)).Where(p => p.s.Kind == SeriesKind.StackedArea).ToList();
        for (int k = 0; k < stacked.Count; k++)
        {
            (ChartSeries s, int index) = stacked[k];
            double[] top = levels[k];
            double[] bottom = k == 0 ? new double[top.Length] : levels[k - 1];
            var points = s.X.Select((x, i) => (fx(x), fy(bottom[i]), fy(top[i]))).Where(p => double.IsFinite(p.Item1) && double.IsFinite(p.Item2) && double.IsFinite(p.Item3)).ToList();
            if (points.Count == 0)
            {
                continue;
            }

            var area = plot.Add.FillY(points);
            area.FillColor = Color.FromHex(Palette.At(index)).WithAlpha(0.85);
            area.LineWidth = 0;
            area.LegendText = s.Name;
        }
    }

    /// <summary>Bars side by side within each category, each with its 95 % whisker and its value written above.</summary>
    private static void Bars(Plot plot, ChartSeries s, Color colour, int index, int count, PlotLayout layout, Axis y, Func<double, double> fx, Func<double, double> fy)
    {
        double slot = (layout.XMax - layout.XMin) / Math.Max(1, s.X.Count) * 0.8 / count;
        double baseline = fy(layout.YLog ? layout.YMin : Math.Max(layout.YMin, 0));
        var list = new List<Bar>();
        for (int i = 0; i < Math.Min(s.X.Count, s.Y.Count); i++)
        {
            double value = fy(s.Y[i]), x = fx(s.X[i]);
            if (!double.IsFinite(value) || !double.IsFinite(x))
            {
                continue;
            }

            double centre = x - (slot * count / 2) + (slot * (index + 0.5));
            bool best = s.Best == i;
            list.Add(new Bar { Position = centre, Value = value, ValueBase = baseline, Size = slot * 0.92, FillColor = best ? Winner : colour, LineWidth = 0 });
            double top = value;
            if (s.Lower is { } lower && s.Upper is { } upper && fy(lower[i]) is var lo && fy(upper[i]) is var hi && double.IsFinite(lo) && double.IsFinite(hi) && hi > lo)
            {
                var whisker = plot.Add.ErrorBar([centre], [value], [0.0]);
                whisker.YErrorNegative = [value - lo];
                whisker.YErrorPositive = [hi - value];
                whisker.Color = Ink;
                whisker.LineWidth = 1.2f;
                whisker.CapSize = 10;
                top = Math.Max(top, hi);
            }

            var label = plot.Add.Text((best ? (s.BestTied ? "tied best: " : "best: ") : string.Empty) + UnitFormat.Format(s.Y[i], y.Unit, y.DateOrigin), centre, top);
            label.LabelBold = best;
            label.LabelFontSize = 12;
            label.LabelFontColor = Ink;
            label.LabelAlignment = Alignment.LowerCenter;
            label.OffsetY = -4;
        }

        var bars = plot.Add.Bars(list);
        bars.LegendText = s.Name;
    }

    /// <summary>Cells over two categorical axes, light to dark blue (higher is darker), each with its value written in it.</summary>
    private static void Heatmap(Plot plot, ChartSeries s, PlotLayout layout)
    {
        int columns = (int)Math.Round(layout.XMax - layout.XMin), rows = (int)Math.Round(layout.YMax - layout.YMin);
        var finite = s.Y.Where(double.IsFinite).DefaultIfEmpty(0).ToList();
        double lo = finite.Min(), hi = finite.Max();
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                double v = s.Y[(r * columns) + c];
                double t = !double.IsFinite(v) ? double.NaN : hi > lo ? (v - lo) / (hi - lo) : 0.5;
                var cell = plot.Add.Rectangle(c - 0.5, c + 0.5, r - 0.5, r + 0.5);
                cell.FillColor = double.IsNaN(t) ? Colors.White : Blend(t);
                cell.LineColor = Colors.White;
                cell.LineWidth = 1;
                var label = plot.Add.Text(double.IsFinite(v) ? UnitFormat.Si(v) : "–", c, r);
                label.LabelFontSize = 13;
                label.LabelFontColor = t > 0.55 ? Colors.White : Ink;
                label.LabelAlignment = Alignment.MiddleCenter;
            }
        }
    }

    /// <summary>A sequential light-to-dark blue scale (perceptually ordered, safe for colour-blind readers).</summary>
    private static Color Blend(double t)
    {
        static byte Mix(int a, int b, double t) => (byte)Math.Round(a + ((b - a) * Math.Clamp(t, 0, 1)));
        return new Color(Mix(0xEF, 0x08, t), Mix(0xF3, 0x30, t), Mix(0xFF, 0x6B, t));
    }

    /// <summary>
    /// True when a horizontal marker's label, written just above its line at the plot's right end, would sit on a curve
    /// that leaves the same place at the left end free (a latency curve rising through its target near the right edge).
    /// </summary>
    internal static bool HorizontalLabelOnLeft(Chart chart, PlotLayout layout, Marker marker)
    {
        double width = 8 + (7.5 * marker.Label.Length), lineY = layout.PixelY(marker.Value);
        bool Crossed(double fromX, double toX) => chart.Series.Any(s => s.Kind != SeriesKind.Heatmap && Enumerable.Range(0, Math.Max(0, Math.Min(s.X.Count, s.Y.Count) - 1)).Any(i =>
        {
            double x0 = layout.PixelX(s.X[i]), x1 = layout.PixelX(s.X[i + 1]), y0 = layout.PixelY(s.Y[i]), y1 = layout.PixelY(s.Y[i + 1]);
            return double.IsFinite(y0) && double.IsFinite(y1) && Math.Max(x0, x1) >= fromX && Math.Min(x0, x1) <= toX
                && Math.Max(y0, y1) >= lineY - 24 && Math.Min(y0, y1) <= lineY + 4;   // the label's box above the line, and a little below
        }));

        return Crossed(layout.Right - width, layout.Right) && !Crossed(layout.Left, layout.Left + width);
    }

    private static void Markers(Plot plot, Chart chart, PlotLayout layout, Func<double, double> fx, Func<double, double> fy)
    {
        int vertical = 0;
        foreach (Marker m in chart.Markers)
        {
            if (m.Vertical)
            {
                double x = fx(m.Value);
                plot.Add.VerticalLine(x, 1.5f, Ink, LinePattern.Dashed);
                // Right of the line unless the label would run off the plot; successive labels step down.
                bool leftSide = (layout.PixelX(m.Value) + 6 + (8 * m.Label.Length)) > layout.Right;
                var label = plot.Add.Text(m.Label, x, fy(layout.YMax));
                label.LabelFontSize = 14;
                label.LabelBold = true;
                label.LabelFontColor = Ink;
                label.LabelAlignment = leftSide ? Alignment.UpperRight : Alignment.UpperLeft;
                label.OffsetX = leftSide ? -6 : 6;
                label.OffsetY = 6 + (22 * vertical++);
            }
            else
            {
                double y = fy(m.Value);
                plot.Add.HorizontalLine(y, 1.5f, Target, LinePattern.Dashed);
                // At the right end, unless a curve runs through the label there and not at the left end.
                bool leftEnd = HorizontalLabelOnLeft(chart, layout, m);
                var label = plot.Add.Text(m.Label, fx(leftEnd ? layout.XMin : layout.XMax), y);
                label.LabelFontSize = 13;
                label.LabelBold = true;
                label.LabelFontColor = Target;
                label.LabelAlignment = leftEnd ? Alignment.LowerLeft : Alignment.LowerRight;
                label.OffsetX = leftEnd ? 4 : -4;
                label.OffsetY = -4;
            }
        }
    }

    /// <summary>
    /// The SVG as one element to inline in HTML: no XML declaration; the chart's id, class and accessible title on the root;
    /// clip paths renamed after the chart (each id ScottPlot wrote, <c>cl_</c> and hex digits as a whole word, becomes
    /// <c>chart-clip-n</c> in order of first use), so ids are unique in a report and the same on every run. Built in one
    /// pass into one string: a long series' SVG is a few hundred kilobytes.
    /// </summary>
    internal static string Standalone(Chart chart, ReadOnlyMemory<char> svg)
    {
        string id = SecurityElement.Escape(chart.Id) ?? string.Empty;
        ReadOnlySpan<char> text = svg.Span;
        int bodyStart = text.IndexOf("<svg", StringComparison.Ordinal);
        int restStart = bodyStart + text[bodyStart..].IndexOf('>') + 1;
        ReadOnlyMemory<char> rest = svg[restStart..(restStart + text[restStart..].TrimEnd().Length)];
        string head = string.Create(CultureInfo.InvariantCulture,
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"chart-{id}\" class=\"chart\" viewBox=\"0 0 {chart.Width} {chart.Height}\" width=\"{chart.Width}\" height=\"{chart.Height}\" role=\"img\" aria-labelledby=\"chart-{id}-title\">")
            + $"\n<title id=\"chart-{id}-title\">{SecurityElement.Escape(chart.Title)}</title>";

        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var clips = new List<(int Start, int End, string Name)>();
        int length = head.Length + rest.Length + 1;
        for (int i = 0; (i = ClipIdAt(rest.Span, i, out int end)) >= 0; i = end)
        {
            string old = rest.Span[i..end].ToString();
            if (!names.TryGetValue(old, out string? name))
            {
                name = $"{id}-clip-{names.Count + 1}";
                names.Add(old, name);
            }

            clips.Add((i, end, name));
            length += name.Length - (end - i);
        }

        return string.Create(length, (head, rest, clips), static (into, state) =>
        {
            ReadOnlySpan<char> rest = state.rest.Span;
            state.head.CopyTo(into);
            int written = state.head.Length, from = 0;
            foreach (var (start, end, name) in state.clips)
            {
                rest[from..start].CopyTo(into[written..]);
                written += start - from;
                name.CopyTo(into[written..]);
                written += name.Length;
                from = end;
            }

            rest[from..].CopyTo(into[written..]);
            into[^1] = '\n';
        });
    }

    /// <summary>
    /// Where the next clip id starts at or after <paramref name="from"/> (−1 when none), and where it ends: <c>cl_</c> and
    /// hex digits, a whole word (what the regular expression <c>\bcl_[0-9a-fA-F]+\b</c> matches; the text before
    /// <paramref name="text"/> ends in a non-word character).
    /// </summary>
    internal static int ClipIdAt(ReadOnlySpan<char> text, int from, out int end)
    {
        for (int i = from; i + 3 < text.Length; i++)
        {
            int found = text[i..].IndexOf("cl_", StringComparison.Ordinal);
            if (found < 0)
            {
                break;
            }

            i += found;
            if (i > 0 && IsWordCharacter(text[i - 1]))
            {
                continue;
            }

            int j = i + 3;
            while (j < text.Length && char.IsAsciiHexDigit(text[j]))
            {
                j++;
            }

            if (j > i + 3 && (j == text.Length || !IsWordCharacter(text[j])))
            {
                end = j;
                return i;
            }
        }

        end = -1;
        return -1;
    }

    /// <summary>A word character as a regular expression's <c>\b</c> sees it: a letter, a non-spacing mark, a decimal digit, a connector (the underscore), or a zero-width joiner or non-joiner.</summary>
    private static bool IsWordCharacter(char c) =>
        char.GetUnicodeCategory(c) is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.NonSpacingMark
            or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.ConnectorPunctuation
        || c is '\u200D' or '\u200C';
}
