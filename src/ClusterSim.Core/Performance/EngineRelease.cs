using System.Globalization;

namespace ClusterSim.Core.Performance;

/// <summary>A serving engine's release as a row or a file names it ("0.11.0", "v0.19", "0.23.1rc1"; vLLM's, SGLang's or TensorRT-LLM's): its major and minor numbers.</summary>
public readonly record struct EngineRelease(int Major, int Minor)
{
    /// <summary>The release <paramref name="version"/> names; false when it is empty or not a release number.</summary>
    public static bool TryParse(string? version, out EngineRelease release)
    {
        release = default;
        string text = (version ?? string.Empty).Trim().TrimStart('v', 'V');
        string[] parts = text.Split('.');
        if (parts.Length < 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int major)
            || !int.TryParse(new string(parts[1].TakeWhile(char.IsAsciiDigit).ToArray()), NumberStyles.None, CultureInfo.InvariantCulture, out int minor))
        {
            return false;
        }

        release = new EngineRelease(major, minor);
        return true;
    }

    /// <summary>"major.minor", as release notes name it.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}");

    /// <summary>True when this release is <paramref name="major"/>.<paramref name="minor"/> or later.</summary>
    public bool AtLeast(int major, int minor) => Major > major || (Major == major && Minor >= minor);

    /// <summary>True when this release is <paramref name="other"/> or later.</summary>
    public bool AtLeast(EngineRelease other) => AtLeast(other.Major, other.Minor);
}
