using Microsoft.Extensions.Logging;

namespace ClusterSim.Cli;

/// <summary>One line per entry on standard error, led by the level's short name (see <see cref="StandardErrorLoggerProvider"/>).</summary>
internal sealed class StandardErrorLogger : ILogger
{
    private static readonly Lock Gate = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        string level = logLevel switch
        {
            LogLevel.Trace => "trce",
            LogLevel.Debug => "dbug",
            LogLevel.Information => "info",
            LogLevel.Warning => "warn",
            LogLevel.Error => "fail",
            _ => "crit",
        };
        string line = $"{level}: {formatter(state, exception)}{(exception is null ? string.Empty : Environment.NewLine + exception)}";
        lock (Gate)
        {
            Console.Error.WriteLine(line);
        }
    }
}
