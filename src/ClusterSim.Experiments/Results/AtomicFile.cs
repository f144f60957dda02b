using System.Text;

namespace ClusterSim.Experiments.Results;

/// <summary>Writes a file through a temporary sibling and a rename, so a crash never leaves a half file that looks whole.</summary>
public static class AtomicFile
{
    /// <summary>Writes UTF-8 text (no BOM, LF line ends as given).</summary>
    public static void WriteText(string path, string text) => Write(path, stream =>
    {
        byte[] bytes = new UTF8Encoding(false).GetBytes(text);
        stream.Write(bytes);
    });

    /// <summary>Writes <paramref name="bytes"/> as the file's whole content.</summary>
    public static void Write(string path, ReadOnlyMemory<byte> bytes) => Write(path, stream => stream.Write(bytes.Span));

    /// <summary>Writes whatever <paramref name="write"/> puts into the stream (a large trace goes to disk as it is made, not through a string).</summary>
    public static void Write(string path, Action<Stream> write)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        // A name of its own: shards writing the same file into a shared directory must not share a temporary.
        string temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            // A full disk or a failed writer leaves no temporary behind for a later run to trip over.
            File.Delete(temporary);
            throw;
        }
    }
}
