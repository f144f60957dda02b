using System.Globalization;

namespace ClusterSim.Experiments.Running;

/// <summary>
/// The share of a sweep one process runs: point p belongs to shard p mod Count (round robin, so shards get
/// cheap and expensive points alike). Shards write the same per-point files a single run would.
/// </summary>
public readonly record struct Shard(int Index, int Count)
{
    /// <summary>Every point: an ordinary run.</summary>
    public static Shard Whole { get; } = new(0, 1);

    public bool IsWhole => Count == 1;

    /// <summary>True when this shard runs point <paramref name="pointIndex"/>.</summary>
    public bool Owns(int pointIndex) => pointIndex % Count == Index;

    public override string ToString() => $"{Index}/{Count}";

    /// <summary>
    /// Reads <c>i/n</c> (0 ≤ i &lt; n), <c>auto</c> (index and count from a Slurm array job) or <c>auto/n</c> (index from
    /// Slurm or a Kubernetes Indexed Job, count n). <paramref name="environment"/> looks up environment variables.
    /// </summary>
    /// <exception cref="ArgumentException">The text or the environment does not give a valid shard; the message says why.</exception>
    public static Shard Parse(string text, Func<string, string?> environment)
    {
        string[] parts = text.Split('/');
        if (parts.Length > 2 || parts[0].Length == 0)
        {
            throw new ArgumentException($"--shard '{text}': expected i/n (0-based index i of n shards), 'auto' or 'auto/n'");
        }

        bool automatic = parts[0] == "auto";
        int count = parts.Length == 2 ? Integer(parts[1], "the shard count n", text)
            : automatic ? Integer(environment("SLURM_ARRAY_TASK_COUNT") ?? throw new ArgumentException("--shard auto: SLURM_ARRAY_TASK_COUNT is not set; outside a Slurm array job give the count as auto/n"), "SLURM_ARRAY_TASK_COUNT", text)
            : throw new ArgumentException($"--shard '{text}': expected i/n (0-based index i of n shards), 'auto' or 'auto/n'");
        int index = automatic ? AutomaticIndex(environment, text) : Integer(parts[0], "the shard index i", text);
        if (count < 1 || index < 0 || index >= count)
        {
            throw new ArgumentException($"--shard '{text}': index {index} is not in 0..{count - 1} (n = {count} shards)");
        }

        return new Shard(index, count);
    }

    private static int AutomaticIndex(Func<string, string?> environment, string text)
    {
        if (environment("SLURM_ARRAY_TASK_ID") is { } slurm)
        {
            // Arrays may start at any number (--array=1-8); the shard index counts from the first task.
            int first = environment("SLURM_ARRAY_TASK_MIN") is { } min ? Integer(min, "SLURM_ARRAY_TASK_MIN", text) : 0;
            return Integer(slurm, "SLURM_ARRAY_TASK_ID", text) - first;
        }

        return environment("JOB_COMPLETION_INDEX") is { } kubernetes
            ? Integer(kubernetes, "JOB_COMPLETION_INDEX", text)
            : throw new ArgumentException($"--shard {text}: neither SLURM_ARRAY_TASK_ID (Slurm array job) nor JOB_COMPLETION_INDEX (Kubernetes Indexed Job) is set; give the index explicitly as i/n");
    }

    private static int Integer(string value, string what, string text) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? n
        : throw new ArgumentException($"--shard {text}: {what} must be a whole number, got '{value}'");
}
