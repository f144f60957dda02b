namespace ClusterSim.Cli;

/// <summary>How a command prints its table: boxed for a terminal, or plain for scripts and documents.</summary>
internal enum OutputFormat
{
    Table,
    Csv,
    Tsv,
    Json,
    Markdown,
}
