using System.Text.RegularExpressions;

namespace ClusterSim.Experiments.Replay;

/// <summary>
/// Which measured runs to keep, by experiment id: comma-separated patterns in which <c>*</c> stands for any run of
/// characters and <c>?</c> for one ("gs-q235-*-4k,tv-6?"); an experiment is kept when any pattern matches its whole id.
/// </summary>
public sealed class ExperimentFilter
{
    private readonly Regex[] _patterns;

    private ExperimentFilter(string text, Regex[] patterns)
    {
        Text = text;
        _patterns = patterns;
    }

    /// <summary>The patterns as given.</summary>
    public string Text { get; }

    /// <summary>The filter of <paramref name="patterns"/>; throws naming an empty pattern.</summary>
    public static ExperimentFilter Parse(string patterns)
    {
        string[] parts = patterns.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length == 0 || parts.Any(p => p.Length == 0))
        {
            throw new ArgumentException($"'{patterns}' has an empty pattern: give experiment ids or patterns with * and ?, separated by commas");
        }

        Regex[] regexes = parts
            .Select(p => new Regex("^" + Regex.Escape(p).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant))
            .ToArray();
        return new ExperimentFilter(patterns, regexes);
    }

    /// <summary>True when <paramref name="experiment"/> matches a pattern.</summary>
    public bool Keeps(string experiment) => _patterns.Any(p => p.IsMatch(experiment));
}
