namespace ClusterSim.Experiments.Sweeps;

/// <summary>
/// Expands swept parameters into points: a grid (cartesian product, last parameter fastest), a zip (i-th values
/// together), or a number of random or Latin-hypercube samples drawn from the experiment's seed.
/// </summary>
public static class SweepPlan
{
    /// <summary>How many points a sweep has, computed without listing them (saturating at <see cref="long.MaxValue"/>).</summary>
    public static long Count(IReadOnlyList<SweepParameter> parameters, SweepMode mode, int samples)
    {
        if (parameters.Count == 0)
        {
            return 1;
        }

        if (mode is SweepMode.Random or SweepMode.LatinHypercube)
        {
            return samples;
        }

        if (mode == SweepMode.Zip)
        {
            return parameters[0].Values?.Count ?? 0;
        }

        long count = 1;
        foreach (SweepParameter p in parameters)
        {
            long n = p.Values?.Count ?? 0;
            count = n != 0 && count > long.MaxValue / n ? long.MaxValue : count * n;
        }

        return count;
    }

    /// <summary>The points of a sweep of any mode; sampled modes draw from <paramref name="seed"/>, so the same seed gives the same points.</summary>
    public static IReadOnlyList<IReadOnlyList<KeyValuePair<string, string>>> Expand(IReadOnlyList<SweepParameter> parameters, SweepMode mode, int samples, long seed)
    {
        if (mode is SweepMode.Grid or SweepMode.Zip || parameters.Count == 0)
        {
            return Expand(parameters.Select(p => KeyValuePair.Create(p.Path, p.Values ?? [])).ToList(), mode == SweepMode.Zip);
        }

        var random = new ClusterSim.Core.Engine.RandomStreams(seed).For("sweep");
        double[][] u = parameters.Select(_ => new double[samples]).ToArray();
        for (int k = 0; k < parameters.Count; k++)
        {
            if (mode == SweepMode.Random)
            {
                for (int i = 0; i < samples; i++)
                {
                    u[k][i] = random.NextDouble();
                }
            }
            else
            {
                // One draw in each of the n strata, the strata shuffled independently per parameter.
                int[] strata = Enumerable.Range(0, samples).ToArray();
                random.Source.Shuffle(strata);
                for (int i = 0; i < samples; i++)
                {
                    u[k][i] = (strata[i] + random.NextDouble()) / samples;
                }
            }
        }

        return Enumerable.Range(0, samples)
            .Select(i => (IReadOnlyList<KeyValuePair<string, string>>)parameters.Select((p, k) => KeyValuePair.Create(p.Path, p.At(u[k][i]))).ToList())
            .ToList();
    }

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
            if (parameters.Any(p => p.Value.Count != n))
            {
                throw new ArgumentException("a zip sweep needs lists of equal length", nameof(parameters));
            }

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
        point.Count == 0 ? "base" : string.Join(", ", point.Select(p => $"{ShortName(p.Key, point)}={p.Value}"));

    /// <summary>The point's swept paths, each as short as it can be while telling it from the others.</summary>
    public static IEnumerable<string> ShortNames(IReadOnlyList<KeyValuePair<string, string>> point) => point.Select(p => ShortName(p.Key, point));

    /// <summary>The last segment of a swept path, or as many trailing segments as it takes to tell it from the point's other paths.</summary>
    private static string ShortName(string path, IReadOnlyList<KeyValuePair<string, string>> point)
    {
        string[] parts = path.Split('.');
        for (int take = 1; take < parts.Length; take++)
        {
            string suffix = string.Join('.', parts[^take..]);
            if (point.Count(p => p.Key == path || p.Key.EndsWith("." + suffix, StringComparison.Ordinal)) == 1)
            {
                return suffix;
            }
        }

        return path;
    }
}
