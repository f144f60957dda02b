using System.Text;

namespace ClusterSim.Experiments.Results;

/// <summary>Writes a file through a temporary sibling and a rename, so a crash never leaves a half file that looks whole.</summary>
public static class AtomicFile
{
    /// <summary>Writes UTF-8 text (no BOM, LF line ends as given).</summary>
    public static void WriteText(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        // A name of its own: shards writing the same file into a shared directory must not share a temporary.
        string temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllText(temporary, text, new UTF8Encoding(false));
        File.Move(temporary, path, overwrite: true);
    }
}
