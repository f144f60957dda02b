namespace ClusterSim.Experiments.Results;

/// <summary>What a results directory holds: which experiment wrote it, and whether that run finished.</summary>
public static class RunDirectory
{
    /// <summary>True when every point is in and summary.csv has been written.</summary>
    public static bool IsFinished(string directory) => File.Exists(Path.Combine(directory, "summary.csv"));

    /// <summary>
    /// True when nothing has been written to <paramref name="directory"/> yet (it may not exist): resuming it starts afresh,
    /// which lets every task of an array job pass --resume, first start or restart alike.
    /// </summary>
    public static bool IsEmpty(string directory) =>
        !Directory.Exists(directory) || !Directory.EnumerateFileSystemEntries(directory).Any();

    /// <summary>Whether every file under <paramref name="directory"/> is an unfinished temporary of <see cref="AtomicFile"/> (so empty folders count too).</summary>
    public static bool HoldsOnlyLeftovers(string directory) =>
        Directory.Exists(directory) && Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).All(f => f.EndsWith(".tmp", StringComparison.Ordinal));

    /// <summary>
    /// Deletes the half-written temporaries of <see cref="AtomicFile"/> a killed run left under <paramref name="directory"/>
    /// (name.&lt;32 hex digits&gt;.tmp); returns how many. Only for a run that owns the directory alone: a shard sharing it
    /// may be writing one of them right now.
    /// </summary>
    public static int RemoveLeftovers(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return 0;
        }

        int removed = 0;
        foreach (string file in Directory.EnumerateFiles(directory, "*.tmp", SearchOption.AllDirectories))
        {
            string name = Path.GetFileNameWithoutExtension(file);
            string tag = Path.GetExtension(name).TrimStart('.');
            if (tag.Length == 32 && tag.All(char.IsAsciiHexDigitLower))
            {
                File.Delete(file);
                removed++;
            }
        }

        return removed;
    }

    /// <summary>
    /// The newest run directory under <paramref name="root"/> (results/&lt;experiment&gt;) that started but did not finish,
    /// or null. Run ids are UTC timestamps, so the newest sorts last.
    /// </summary>
    public static string? LatestUnfinished(string root) =>
        Directory.Exists(root)
            ? Directory.GetDirectories(root).Order(StringComparer.Ordinal).LastOrDefault(d => File.Exists(ResultWriter.ResolvedPath(d)) && !IsFinished(d))
            : null;

    /// <summary>
    /// Checks that a run of <paramref name="experiment"/> may write into <paramref name="directory"/>: resuming, or writing
    /// over earlier results, needs it to hold this experiment or nothing, since two experiments' points in one directory
    /// would make neither readable.
    /// </summary>
    /// <exception cref="InvalidDataException">It holds something else; the message says what and the way out.</exception>
    public static void CheckUsable(string directory, Files.Experiment experiment, bool resume)
    {
        // A run killed before its first file landed leaves only half-written temporaries and empty folders: nothing to
        // keep, so resuming it starts afresh rather than refusing (an array task restarted early must not fail).
        if (!IsEmpty(directory) && !HoldsOnlyLeftovers(directory) && (resume || File.Exists(ResultWriter.ResolvedPath(directory))))
        {
            CheckHolds(directory, experiment);
        }
    }

    /// <summary>Checks that <paramref name="directory"/> holds results of exactly this experiment (same resolved text, the files it reads compared by name).</summary>
    /// <exception cref="InvalidDataException">It does not; the message says what is wrong.</exception>
    public static void CheckHolds(string directory, Files.Experiment experiment)
    {
        string resolved = ResultWriter.ResolvedPath(directory);
        if (!Directory.Exists(directory))
        {
            throw new InvalidDataException($"{directory}: no such directory");
        }

        if (!File.Exists(resolved))
        {
            throw new InvalidDataException($"{directory}: not a ClusterSim results directory (no experiment.resolved.yaml)");
        }

        // The files an experiment reads are named by full path; where the project lies does not make another experiment.
        if (Files.YamlText.WithoutFolders(File.ReadAllText(resolved)) != Files.YamlText.WithoutFolders(experiment.ResolvedText))
        {
            throw new InvalidDataException(
                $"{directory}: holds results of another experiment, or of an earlier version of {Path.GetFileName(experiment.SourceFile)} (its experiment.resolved.yaml differs); choose another --output or delete it");
        }
    }
}
