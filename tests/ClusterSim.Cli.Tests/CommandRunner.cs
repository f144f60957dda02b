namespace ClusterSim.Cli.Tests;

/// <summary>Runs the command line in process, capturing what it writes (tests that use it share the "console" collection).</summary>
internal static class CommandRunner
{
    /// <summary>Runs <paramref name="args"/>; returns the exit code and what went to standard output and standard error.</summary>
    public static (int Code, string Output, string Error) Run(params string[] args)
    {
        TextWriter output = Console.Out, error = Console.Error;
        using var capturedOutput = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        using var capturedError = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        Console.SetOut(capturedOutput);
        Console.SetError(capturedError);
        try
        {
            int code = CommandLine.Build().Parse(args).Invoke();
            return (code, capturedOutput.ToString(), capturedError.ToString());
        }
        finally
        {
            Console.SetOut(output);
            Console.SetError(error);
        }
    }

    /// <summary>A file of the repository (the tests run five folders below its root).</summary>
    public static string RepositoryFile(params string[] parts) =>
        Path.GetFullPath(Path.Combine([AppContext.BaseDirectory, "..", "..", "..", "..", "..", .. parts]));
}
