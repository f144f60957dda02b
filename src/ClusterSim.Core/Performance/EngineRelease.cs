using System.Globalization;

namespace ClusterSim.Core.Performance;

/// <summary>
/// A serving engine's release as a row or a file names it ("0.11.0", "v0.19", "0.5.12", "0.23.1rc1"; vLLM's, SGLang's or
/// TensorRT-LLM's): its major, minor and patch numbers (the patch 0 when not given: SGLang moves within a minor release).
/// </summary>
public readonly record struct EngineRelease(int Major, int Minor, int Patch = 0)
{
    /// <summary>The release <paramref name="version"/> names; false when it is empty or not a release number.</summary>
    public static bool TryParse(string? version, out EngineRelease release)
    {
        release = default;
        string text = (version ?? string.Empty).Trim().TrimStart('v', 'V');
        string[] parts = text.Split('.');
        if (parts.Length < 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int major)
            || !TryLeadingNumber(parts[1], out int minor))
        {
            return false;
        }

        // A patch that does not start with a digit ("0.12.0.dev2024" has one; "0.12.x" does not) counts as 0.
        int patch = parts.Length > 2 && TryLeadingNumber(parts[2], out int p) ? p : 0;
        release = new EngineRelease(major, minor, patch);
        return true;
    }

    private static bool TryLeadingNumber(string part, out int number) =>
        int.TryParse(new string(part.TakeWhile(char.IsAsciiDigit).ToArray()), NumberStyles.None, CultureInfo.InvariantCulture, out number);

    /// <summary>"major.minor", and ".patch" when it is not 0, as release notes name it.</summary>
    public override string ToString() => Patch == 0
        ? string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}")
        : string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}.{Patch}");

    /// <summary>True when <paramref name="version"/> names a release before <paramref name="release"/> (false when it names none).</summary>
    public static bool Before(string? version, EngineRelease release) => TryParse(version, out EngineRelease named) && !named.AtLeast(release);

    /// <summary>True when this release is <paramref name="major"/>.<paramref name="minor"/> or later.</summary>
    public bool AtLeast(int major, int minor) => AtLeast(new EngineRelease(major, minor));

    /// <summary>True when this release is <paramref name="other"/> or later (by major, then minor, then patch).</summary>
    public bool AtLeast(EngineRelease other) =>
        Major != other.Major ? Major > other.Major
        : Minor != other.Minor ? Minor > other.Minor
        : Patch >= other.Patch;
}
