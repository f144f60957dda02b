namespace ClusterSim.Experiments.Tests.Results;

/// <summary>A temporary results directory for one test, deleted afterwards, with a byte-level comparison of trees.</summary>
internal sealed class ResultsFolder : IDisposable
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "clustersim-test-" + Guid.NewGuid().ToString("N"));

    public string this[string name] => Path.Combine(Root, name);

    public void Dispose()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }

    /// <summary>Every file under <paramref name="directory"/> (relative path → bytes), for equality assertions.</summary>
    public static SortedDictionary<string, string> Contents(string directory) => new(
        Directory.GetFiles(directory, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(directory, f), f => Convert.ToBase64String(File.ReadAllBytes(f))),
        StringComparer.Ordinal);
}
