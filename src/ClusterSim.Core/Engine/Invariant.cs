namespace ClusterSim.Core.Engine;

/// <summary>The one way the simulator's books report a broken invariant: an <see cref="InvalidOperationException"/> saying which.</summary>
public static class Invariant
{
    /// <summary>Throws when <paramref name="holds"/> is false; <paramref name="what"/> says what was found.</summary>
    public static void Check(bool holds, string what)
    {
        if (!holds)
        {
            throw new InvalidOperationException("invariant broken: " + what);
        }
    }
}
