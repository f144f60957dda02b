namespace ClusterSim.Experiments.Sweeps;

/// <summary>Expands swept parameters into points: a grid (cartesian product, last parameter fastest) or a zip (i-th values together).</summary>
public static class SweepPlan
{
    /// <summary>The points as lists of (path, value) pairs; one empty point when nothing is swept.</summary>
    public static IReadOnlyList<IReadOnlyList<KeyValuePair<string, string>>> Expand(IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> parameters, bool zip)
    {
        if (parameters.Count == 0)
        {
            return [Array.Empty<KeyValuePair<string, string>>()];
        }

        if (zip)
        {
            int n = parameters[0].Value.Count;
            return Enumerable.Range(0, n)
                .Select(i => (IReadOnlyList<KeyValuePair<string, string>>)parameters.Select(p => KeyValuePair.Create(p.Key, p.Value[i])).ToList())
                .ToList();
        }

        var points = new List<IReadOnlyList<KeyValuePair<string, string>>> { Array.Empty<KeyValuePair<string, string>>() };
        foreach (var (path, values) in parameters)
        {
            points = points.SelectMany(prefix => values.Select(v => (IReadOnlyList<KeyValuePair<string, string>>)[.. prefix, KeyValuePair.Create(path, v)])).ToList();
        }

        return points;
    }

    /// <summary>A short label of a point, e.g. "load=0.5, scheduler=static".</summary>
    public static string Label(IReadOnlyList<KeyValuePair<string, string>> point) =>
        point.Count == 0 ? "base" : string.Join(", ", point.Select(p => $"{p.Key[(p.Key.LastIndexOf('.') + 1)..]}={p.Value}"));
}
