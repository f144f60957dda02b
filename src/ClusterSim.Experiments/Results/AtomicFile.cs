using System.Text;

namespace ClusterSim.Experiments.Results;

/// <summary>Writes a file through a temporary sibling and a rename, so a crash never leaves a half file that looks whole.</summary>
public static class AtomicFile
{
    /// <summary>Writes UTF-8 text (no BOM, LF line ends as given).</summary>
    public static void WriteText(string path, string text) => WriteText(path, [text.AsMemory()]);

    /// <summary>
    /// Writes the parts one after another as UTF-8 text (no BOM), encoded a buffer at a time rather than into one array:
    /// a report of a few hundred kilobytes goes to disk without a copy of its own size.
    /// </summary>
    public static void WriteText(string path, IReadOnlyList<ReadOnlyMemory<char>> parts)
    {
        // The writer's buffer is the file's only one (no second copy in the file stream), no larger than the text.
        int chars = parts.Sum(p => p.Length);
        Write(path, bufferSize: 0, stream =>
        {
            using var writer = new StreamWriter(stream, Utf8, Math.Clamp(chars, 128, 1 << 14), leaveOpen: true);
            foreach (ReadOnlyMemory<char> part in parts)
            {
                writer.Write(part.Span);
            }
        });
    }

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes <paramref name="bytes"/> as the file's whole content.</summary>
    public static void Write(string path, ReadOnlyMemory<byte> bytes) => Write(path, stream => stream.Write(bytes.Span));

    /// <summary>Writes whatever <paramref name="write"/> puts into the stream (a large trace goes to disk as it is made, not through a string).</summary>
    public static void Write(string path, Action<Stream> write) => Write(path, 1 << 16, write);

    private static void Write(string path, int bufferSize, Action<Stream> write)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        // A name of its own: shards writing the same file into a shared directory must not share a temporary.
        string temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize))
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
