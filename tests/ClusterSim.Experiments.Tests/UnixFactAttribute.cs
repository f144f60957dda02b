namespace ClusterSim.Experiments.Tests;

/// <summary>A fact that needs Unix device files (/dev/zero); elsewhere it is skipped with that reason.</summary>
public sealed class UnixFactAttribute : FactAttribute
{
    public UnixFactAttribute()
    {
        if (!File.Exists("/dev/zero"))
        {
            Skip = "needs /dev/zero (a Unix device file)";
        }
    }
}
