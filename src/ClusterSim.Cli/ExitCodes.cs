namespace ClusterSim.Cli;

/// <summary>What the process exit code means.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int RunFailed = 1;
    public const int InvalidInput = 2;
    public const int Cancelled = 130;
}
