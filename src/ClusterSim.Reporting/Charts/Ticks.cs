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
