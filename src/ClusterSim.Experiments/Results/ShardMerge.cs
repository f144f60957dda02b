using ClusterSim.Experiments.Files;

namespace ClusterSim.Experiments.Results;

/// <summary>
/// Combines the point files of shards (or of any partial runs of one experiment) into the results a single run
/// gives: the same point files, summary.csv and run files, byte for byte.
/// </summary>
public static class ShardMerge
{
    /// <summary>Reads every point from <paramref name="sources"/> and writes the complete results under <paramref name="output"/>.</summary>
    /// <exception cref="InvalidDataException">A directory belongs to another experiment, or points are missing; the message lists them.</exception>
    public static IReadOnlyList<PointResult> Merge(Experiment experiment, IReadOnlyList<string> sources, string output)
    {
        if (sources.Count == 0)
        {
            throw new InvalidDataException("no results directories to merge");
        }

        foreach (string source in sources)
        {
            RunDirectory.CheckHolds(source, experiment);
        }

        var found = experiment.Points.Select(p => sources
            .Select(source => (Source: source, Result: PointFiles.TryRead(source, experiment, p)))
            .FirstOrDefault(x => x.Result is not null)).ToList();
        int[] missing = experiment.Points.Where((_, i) => found[i].Result is null).Select(p => p.Index).ToArray();
        if (missing.Length > 0)
        {
            throw new InvalidDataException(
                $"{missing.Length} of {experiment.Points.Count} points have no results in {string.Join(", ", sources)}: {Ranges(missing)}; "
                + "run (or --resume) the shards that own them, then merge again");
        }

        ResultWriter.WriteRunFiles(output, experiment);
        string target = Path.GetFullPath(output);
        foreach (var (source, result) in found)
        {
            if (Path.GetFullPath(source) != target)
            {
                PointFiles.Write(output, experiment, result!);
            }
        }

        var results = found.Select(f => f.Result!).ToList();
        ResultWriter.WriteSummary(output, results);
        return results;
    }

    /// <summary>Point indices as compact ranges: 0-3, 7, 9-11.</summary>
    private static string Ranges(int[] sorted)
    {
        var parts = new List<string>();
        for (int i = 0; i < sorted.Length;)
        {
            int j = i;
            while (j + 1 < sorted.Length && sorted[j + 1] == sorted[j] + 1)
            {
                j++;
            }

            parts.Add(i == j ? $"{sorted[i]}" : $"{sorted[i]}-{sorted[j]}");
            i = j + 1;
        }

        return string.Join(", ", parts);
    }
}
