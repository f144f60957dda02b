namespace ClusterSim.Experiments.Sweeps;

/// <summary>One swept path: a list of values, or (for random and Latin-hypercube sweeps) a numeric range.</summary>
public sealed record SweepParameter(string Path, IReadOnlyList<string>? Values, double Min = 0, double Max = 0, bool Log = false, bool Integer = false)
{
    public bool IsRange => Values is null;

    /// <summary>The value at quantile <paramref name="u"/> ∈ [0, 1) of this parameter.</summary>
    public string At(double u)
    {
        if (Values is { } list)
        {
            return list[Math.Min(list.Count - 1, (int)(u * list.Count))];
        }

        double v = Log ? Math.Exp(Math.Log(Min) + (u * (Math.Log(Max) - Math.Log(Min)))) : Min + (u * (Max - Min));
        return Integer ? Math.Round(v).ToString(System.Globalization.CultureInfo.InvariantCulture) : v.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);
    }
}
