using System.CommandLine;
using ClusterSim.Cli;

try
{
    return CommandLine.Build().Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception e) when (Environment.GetEnvironmentVariable("CLUSTERSIM_DEBUG") != "1")
{
    // A bug, not bad input: say so plainly, without a stack trace (set CLUSTERSIM_DEBUG=1 to see it).
    Console.Error.WriteLine($"internal error: {e.GetType().Name}: {e.Message}");
    Console.Error.WriteLine("this is a ClusterSim bug; rerun with CLUSTERSIM_DEBUG=1 for the stack trace and report it");
    return ExitCodes.RunFailed;
}
