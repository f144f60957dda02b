using System.Text.RegularExpressions;

namespace ClusterSim.Experiments.Files;

/// <summary>Text written into a resolved experiment so that it reads back as the same string.</summary>
public static partial class YamlText
{
    /// <summary><paramref name="value"/> as a single-quoted YAML scalar (a quote inside doubled), whatever characters a path holds.</summary>
    public static string Quoted(string value) => $"'{value.Replace("'", "''", StringComparison.Ordinal)}'";

    /// <summary>
    /// A resolved experiment with every quoted full path (the files it reads: catalogs, traces) cut to its file name, so
    /// that two copies of one experiment compare equal wherever the project lies (a resumed run after the folder moved,
    /// shards run on machines that keep it elsewhere).
    /// </summary>
    public static string WithoutFolders(string resolved) => QuotedScalar().Replace(resolved, m =>
    {
        string value = m.Groups[1].Value.Replace("''", "'", StringComparison.Ordinal);
        return Path.IsPathRooted(value) ? Quoted(Path.GetFileName(value)) : m.Value;
    });

    [GeneratedRegex("'((?:[^'\\n]|'')*)'")]
    private static partial Regex QuotedScalar();
}
