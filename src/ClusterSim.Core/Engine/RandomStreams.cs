namespace ClusterSim.Core.Engine;

/// <summary>
/// Derives one <see cref="RandomStream"/> per (replication seed, component name), so that adding a
/// component never changes the draws of another: common random numbers across a sweep.
/// </summary>
public sealed class RandomStreams
{
    /// <summary>Creates the stream family of one replication.</summary>
    public RandomStreams(long seed) => Seed = seed;

    /// <summary>The replication seed.</summary>
    public long Seed { get; }

    /// <summary>The stream of the named component (a fresh generator at the start of the stream each call).</summary>
    public RandomStream For(string component) => new(DeriveSeed(Seed, component));

    /// <summary>The seed of replication <paramref name="replication"/> of a run whose base seed is <paramref name="baseSeed"/>.</summary>
    public static long ForReplication(long baseSeed, int replication) => (long)SplitMix(unchecked((ulong)baseSeed + ((ulong)replication * 0x9E3779B97F4A7C15UL)));

    internal static int DeriveSeed(long seed, string component)
    {
        // FNV-1a over the name: string.GetHashCode is randomised per process and would break "same seed, same bytes".
        ulong hash = 14695981039346656037UL;
        foreach (char c in component)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        ulong mixed = SplitMix(unchecked((ulong)seed ^ hash));
        return unchecked((int)(mixed ^ (mixed >> 32)));
    }

    private static ulong SplitMix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
