namespace ClusterSim.Tests;

/// <summary>The soaks' seeds: the ones CI runs, and as many more as <c>CLUSTERSIM_SOAK</c> says.</summary>
internal static class SoakSeeds
{
    /// <summary>Seeds 1 to <paramref name="ci"/>, then <c>CLUSTERSIM_SOAK</c> more.</summary>
    public static TheoryData<int> Seeds(int ci)
    {
        var seeds = new TheoryData<int>();
        int more = int.TryParse(Environment.GetEnvironmentVariable("CLUSTERSIM_SOAK"), out int n) ? n : 0;
        for (int seed = 1; seed <= ci + more; seed++)
        {
            seeds.Add(seed);
        }

        return seeds;
    }
}
