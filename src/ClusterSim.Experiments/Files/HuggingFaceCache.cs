namespace ClusterSim.Experiments.Files;

/// <summary>
/// Checkpoints already on this machine in the Hugging Face cache (<c>hub/models--org--name/snapshots/HASH/</c>), so a
/// model can be named by its repository id without a download: nothing is fetched.
/// </summary>
public static class HuggingFaceCache
{
    /// <summary>Where the cache may be, in the order the Hugging Face libraries look: HF_HUB_CACHE, HF_HOME/hub, the user's cache.</summary>
    public static IReadOnlyList<string> Roots()
    {
        var roots = new List<string>();
        void Add(string? directory)
        {
            if (!string.IsNullOrEmpty(directory))
            {
                roots.Add(directory);
            }
        }

        Add(Environment.GetEnvironmentVariable("HF_HUB_CACHE"));
        Add(Environment.GetEnvironmentVariable("HF_HOME") is { Length: > 0 } home ? Path.Combine(home, "hub") : null);
        Add(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? Path.Combine(xdg, "huggingface", "hub") : null);
        string user = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        Add(user.Length > 0 ? Path.Combine(user, ".cache", "huggingface", "hub") : null);
        return roots;
    }

    /// <summary>True when <paramref name="name"/> reads as a repository id (<c>org/name</c>) rather than a path.</summary>
    public static bool IsRepositoryId(string name) =>
        name.Count(c => c == '/') == 1 && !name.StartsWith('/') && !name.StartsWith('.') && !name.EndsWith('/')
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '-' or '_' or '.');

    /// <summary>
    /// The config.json of <paramref name="repository"/>'s snapshot in the first of <paramref name="roots"/> that holds one:
    /// the snapshot <c>refs/main</c> names, else the most recently written; null when none does.
    /// </summary>
    public static string? ConfigOf(string repository, IReadOnlyList<string> roots)
    {
        string folder = "models--" + repository.Replace("/", "--", StringComparison.Ordinal);
        foreach (string root in roots)
        {
            string snapshots = Path.Combine(root, folder, "snapshots");
            if (!Directory.Exists(snapshots))
            {
                continue;
            }

            string main = Path.Combine(root, folder, "refs", "main");
            string? named = File.Exists(main) ? Path.Combine(snapshots, File.ReadAllText(main).Trim(), "config.json") : null;
            if (named is not null && File.Exists(named))
            {
                return named;
            }

            string? newest = Directory.EnumerateDirectories(snapshots)
                .Select(d => Path.Combine(d, "config.json"))
                .Where(File.Exists)
                .OrderByDescending(File.GetLastWriteTimeUtc)
                .FirstOrDefault();
            if (newest is not null)
            {
                return newest;
            }
        }

        return null;
    }
}
