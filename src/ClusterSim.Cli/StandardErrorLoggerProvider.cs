using Microsoft.Extensions.Logging;

namespace ClusterSim.Cli;

/// <summary>
/// Logs to standard error, one line each ("warn: …"), written at once and in order with the command's other messages:
/// standard output carries the results alone. No background thread and no service container, so a short command
/// starts no slower for having a logger.
/// </summary>
internal sealed class StandardErrorLoggerProvider : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new StandardErrorLogger();

    public void Dispose()
    {
    }

    /// <summary>A factory that logs at <paramref name="minimum"/> and above through this provider.</summary>
    public static ILoggerFactory Factory(LogLevel minimum) =>
        new LoggerFactory([new StandardErrorLoggerProvider()], new LoggerFilterOptions { MinLevel = minimum });
}
