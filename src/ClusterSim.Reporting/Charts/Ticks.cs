namespace ClusterSim.Reporting.Charts;

/// <summary>Readable tick positions: 1-2-5 steps on linear axes, powers of ten on log axes.</summary>
public static class Ticks
{
    /// <summary>About <paramref name="target"/> round ticks covering [min, max], and the widened range they span.</summary>
    public static (double Min, double Max, double[] Ticks) Linear(double min, double max, int target = 6)
    {
        if (!(max > min))
        {
            double pad = min == 0 ? 1 : Math.Abs(min) * 0.1;
            (min, max) = (min - pad, max + pad);
        }

        double raw = (max - min) / target;
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = new[] { 1.0, 2, 2.5, 5, 10 }.Select(m => m * magnitude).First(s => s >= raw);
        double lo = Math.Floor((min / step) + 1e-9) * step, hi = Math.Ceiling((max / step) - 1e-9) * step;
        int n = (int)Math.Round((hi - lo) / step);
        return (lo, hi, Enumerable.Range(0, n + 1).Select(i => Math.Round((lo + (i * step)) / step) * step).ToArray());
    }

    /// <summary>
    /// Ticks on month starts for days after <paramref name="origin"/>: every 1, 2, 3 (quarter starts), 6 or 12 months
    /// (January), whichever gives at most <paramref name="target"/>; the range is the data's own, so the axis ends there.
    /// </summary>
    public static (double Min, double Max, double[] Ticks) Dates(double min, double max, DateOnly origin, int target = 7)
    {
        if (!(max > min))
        {
            (min, max) = (min - 15, max + 15);
        }

        DateOnly first = origin.AddDays((int)Math.Floor(min)), last = origin.AddDays((int)Math.Ceiling(max));
        int months = ((last.Year - first.Year) * 12) + last.Month - first.Month + 1;
        int step = new[] { 1, 2, 3, 6, 12, 24, 60, 120 }.FirstOrDefault(s => (months + s - 1) / s <= target, 120);
        var ticks = new List<double>();
        for (var month = new DateOnly(first.Year, 1, 1); month <= last; month = month.AddMonths(step))
        {
            double day = month.DayNumber - origin.DayNumber;
            if (day >= min - 1e-9 && day <= max + 1e-9)
            {
                ticks.Add(day);
            }
        }

        return (min, max, ticks.ToArray());
    }

    /// <summary>
    /// Ticks on round durations (15 s, 1 min, 5 min, 1 h, 6 h, 1 d …) for a span of seconds of at least two minutes,
    /// at most about <paramref name="target"/>; the range starts at a tick and ends at the data.
    /// </summary>
    public static (double Min, double Max, double[] Ticks) Durations(double min, double max, int target = 6)
    {
        double[] steps = [15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 3 * 3600, 6 * 3600, 12 * 3600, 86_400, 2 * 86_400, 7 * 86_400, 14 * 86_400, 30 * 86_400];
        double step = steps.FirstOrDefault(s => (max - min) / s <= target, Linear(min, max, target).Ticks is [var a, var b, ..] ? b - a : max - min);
        double lo = Math.Floor(min / step) * step;
        int n = (int)Math.Floor(((max - lo) / step) + 1e-9);
        return (lo, max, Enumerable.Range(0, n + 1).Select(i => lo + (i * step)).ToArray());
    }

    /// <summary>Decades covering [min, max] (both positive).</summary>
    public static (double Min, double Max, double[] Ticks) Log(double min, double max)
    {
        double lo = Math.Floor(Math.Log10(min)), hi = Math.Ceiling(Math.Log10(max));
        if (hi <= lo)
        {
            hi = lo + 1;
        }

        return (Math.Pow(10, lo), Math.Pow(10, hi), Enumerable.Range(0, (int)(hi - lo) + 1).Select(i => Math.Pow(10, lo + i)).ToArray());
    }
}
