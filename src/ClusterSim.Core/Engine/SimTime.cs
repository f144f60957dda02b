namespace ClusterSim.Core.Engine;

/// <summary>Simulated time is a count of nanoseconds held in a <see cref="long"/>; these convert to and from seconds.</summary>
public static class SimTime
{
    /// <summary>Nanoseconds in one second.</summary>
    public const long NanosPerSecond = 1_000_000_000L;

    /// <summary>Nanoseconds in one millisecond.</summary>
    public const long NanosPerMillisecond = 1_000_000L;

    /// <summary>Converts seconds to nanoseconds, rounding to the nearest tick.</summary>
    public static long FromSeconds(double seconds) => (long)Math.Round(seconds * NanosPerSecond);

    /// <summary>Converts nanoseconds to seconds.</summary>
    public static double ToSeconds(long nanos) => nanos / (double)NanosPerSecond;

    /// <summary>Converts nanoseconds to milliseconds.</summary>
    public static double ToMilliseconds(long nanos) => nanos / (double)NanosPerMillisecond;
}
