using System.CommandLine;

namespace ClusterSim.Cli;

/// <summary>The `clustersim` command tree.</summary>
internal static class CommandLine
{
    public static RootCommand Build()
    {
        var root = new RootCommand("ClusterSim: a discrete-event simulator of GPU clusters serving and training LLMs.");
        root.Subcommands.Add(CatalogCommand.Build());
        root.Subcommands.Add(ValidateCommand.Build());
        root.Subcommands.Add(RunCommand.Build());
        root.Subcommands.Add(MergeCommand.Build());
        root.Subcommands.Add(ReportCommand.Build());
        root.Subcommands.Add(SchemaCommand.Build());
        root.Subcommands.Add(ReplayCommand.Build());
        root.Subcommands.Add(CalibrateCommand.Build());
        root.Subcommands.Add(StepCommand.Build());
        root.Subcommands.Add(CapacityCommand.Build());
        return root;
    }

    /// <summary>The <c>--format</c> option of a command that prints <paramref name="what"/> as a table.</summary>
    public static Option<string> FormatOption(string what)
    {
        var option = new Option<string>("--format")
        {
            Description = $"How to print {what}: table (boxed, for a terminal), csv, tsv, json or markdown (full width, never wrapped).",
            DefaultValueFactory = _ => "table",
        };
        option.AcceptOnlyFromAmong([.. PlainTable.Formats.Keys]);
        return option;
    }

    /// <summary>The <c>--png</c> option of a command that writes a report.</summary>
    public static Option<bool> PngOption() => new("--png") { Description = "Also write every chart as charts/<id>.png at twice its size, for slides (drawn by ScottPlot; no browser needed)." };
}
