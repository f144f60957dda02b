namespace ClusterSim.Cli;

/// <summary>
/// The charts are drawn by SkiaSharp, whose native libraries (libSkiaSharp.so, libHarfBuzzSharp.so) a published build
/// loads from beside the executable. When one is missing the failure surfaces as a type initializer's exception; this
/// finds it and says what to do, instead of reporting a bug.
/// </summary>
internal static class NativeLibraries
{
    /// <summary>The exception for a missing SkiaSharp library in <paramref name="e"/>'s chain of causes; null when none is (another library's is a different problem).</summary>
    public static DllNotFoundException? MissingIn(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (x is DllNotFoundException missing
                && (missing.Message.Contains("SkiaSharp", StringComparison.Ordinal) || missing.Message.Contains("HarfBuzzSharp", StringComparison.Ordinal)))
            {
                return missing;
            }
        }

        return null;
    }

    /// <summary>What to tell the user: which library the loader could not find, and where it belongs.</summary>
    public static string Advice(DllNotFoundException missing)
    {
        string line = missing.Message.Split('\n', 2)[0];
        int sentence = line.IndexOf(". ", StringComparison.Ordinal);
        string first = sentence < 0 ? line.TrimEnd() : line[..(sentence + 1)];   // the loader's own advice (strace, LD_DEBUG) is left out
        return $"cannot draw the charts: {first} The published build needs libSkiaSharp.so and libHarfBuzzSharp.so "
            + $"beside the executable ({AppContext.BaseDirectory}): copy them from the publish folder with it";
    }
}
