namespace ClusterSim.Experiments.Files;

/// <summary>
/// The checks every file an experiment names must pass before it is opened: it exists, it is a regular file (not a
/// directory, a device or a pipe, which would fail, never end or block), and it is not larger than a stated limit.
/// </summary>
public static class InputFile
{
    /// <summary>The largest input file read, bytes (catalogs, traces and experiments are far smaller).</summary>
    public const long MaxBytes = 256L * 1024 * 1024;

    /// <summary>What is wrong with <paramref name="path"/> as an input file, or null when it can be read.</summary>
    public static string? Problem(string path)
    {
        if (Directory.Exists(path))
        {
            return $"{path} is a directory; expected a file";
        }

        var file = new FileInfo(path);
        if (!file.Exists)
        {
            return $"{path}: file not found";
        }

        // Devices and pipes report no length; opening a pipe blocks until something writes to it.
        if (file.Length == 0)
        {
            return $"{path} is empty or not a regular file (a device or a pipe)";
        }

        return file.Length > MaxBytes ? $"{path} is {file.Length / 1048576.0:F0} MB; input files are limited to {MaxBytes / 1048576} MB" : null;
    }

    /// <summary>The text of <paramref name="path"/> after the checks, or an <see cref="IOException"/> saying which failed.</summary>
    public static string ReadText(string path) => Problem(path) is { } problem ? throw new IOException(problem) : File.ReadAllText(path);
}
