using System.CommandLine;
using ClusterSim.Cli;
using Spectre.Console;

if (Console.IsOutputRedirected)
{
    // A file or a pipe gets plain text: no colour codes, and tables as wide as they need rather than 80 columns.
    AnsiConsole.Profile.Capabilities.Ansi = false;
    AnsiConsole.Profile.Width = 240;
}

try
{
    return CommandLine.Build().Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception e) when (NativeLibraries.MissingIn(e) is { } missing)
{
    Console.Error.WriteLine($"error: {NativeLibraries.Advice(missing)}");
    return ExitCodes.RunFailed;
}
catch (Exception e) when (Environment.GetEnvironmentVariable("CLUSTERSIM_DEBUG") != "1")
{
    // A bug, not bad input: say so plainly, without a stack trace (set CLUSTERSIM_DEBUG=1 to see it).
    Console.Error.WriteLine($"internal error: {e.GetType().Name}: {e.Message}");
    Console.Error.WriteLine("this is a ClusterSim bug; rerun with CLUSTERSIM_DEBUG=1 for the stack trace and report it");
    return ExitCodes.RunFailed;
}
