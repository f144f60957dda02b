using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ClusterSim.Experiments.Results;

/// <summary>
/// A point file's own SHA-256, kept inside it as the last property: the digest of the file's text with that value
/// written as 64 zeros. A resumed run or a merge recomputes it, so a truncated, altered or half-copied file is refused.
/// </summary>
internal static class PointChecksum
{
    private const string Property = "checksum";
    private static readonly string Zeros = new('0', 64);
    private static readonly string Marker = $"\"{Property}\": \"";

    /// <summary>Writes the property with the zero placeholder that <see cref="Seal"/> fills.</summary>
    public static void WritePlaceholder(Utf8JsonWriter json) => json.WriteString(Property, Zeros);

    /// <summary>The text with its placeholder replaced by the digest of the text as it stands.</summary>
    public static string Seal(string text)
    {
        int at = text.LastIndexOf(Marker + Zeros, StringComparison.Ordinal);
        if (at < 0)
        {
            throw new InvalidOperationException("a point file is sealed once, after its placeholder was written");
        }

        return string.Concat(text.AsSpan(0, at + Marker.Length), Digest(text), text.AsSpan(at + Marker.Length + 64));
    }

    /// <summary>Throws <see cref="InvalidDataException"/> unless <paramref name="text"/> carries its own digest.</summary>
    public static void Verify(string text, string path)
    {
        int at = text.LastIndexOf(Marker, StringComparison.Ordinal);
        if (at < 0 || at + Marker.Length + 64 > text.Length)
        {
            throw new InvalidDataException($"{path}: no checksum (truncated, or written by another program)");
        }

        string stored = text.Substring(at + Marker.Length, 64);
        string unsealed = string.Concat(text.AsSpan(0, at + Marker.Length), Zeros, text.AsSpan(at + Marker.Length + 64));
        if (!string.Equals(stored, Digest(unsealed), StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{path}: its checksum does not match its contents (altered or damaged)");
        }
    }

    private static string Digest(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
