namespace ClusterSim.Core.Catalog;

/// <summary>Finds the valid name closest to a misspelt one (edit distance, case-insensitive) for "did you mean" hints.</summary>
public static class ClosestName
{
    /// <summary>The closest candidate within a distance that makes a suggestion plausible, or null.</summary>
    public static string? Find(string input, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in candidates)
        {
            int d = Distance(input.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (candidate.StartsWith(input, StringComparison.OrdinalIgnoreCase))
            {
                d = Math.Min(d, 1);
            }

            if (d < bestDistance)
            {
                bestDistance = d;
                best = candidate;
            }
        }

        return best is not null && bestDistance <= Math.Max(2, input.Length / 3) ? best : null;
    }

    /// <summary>" — did you mean 'x'?" or an empty string.</summary>
    public static string Hint(string input, IEnumerable<string> candidates) =>
        Find(input, candidates) is { } match ? $" — did you mean '{match}'?" : string.Empty;

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
