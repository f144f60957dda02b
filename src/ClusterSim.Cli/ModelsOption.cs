using System.CommandLine;
using ClusterSim.Core.Catalog;
using ClusterSim.Experiments.Files;

namespace ClusterSim.Cli;

/// <summary>`--models FILE`: models beyond the shipped catalog, for the commands that take a model by name.</summary>
internal static class ModelsOption
{
    /// <summary>The option, described the same way on every command.</summary>
    public static Option<string?> Create() => new("--models")
    {
        Description = "Models beyond the shipped catalog: a models CSV (the columns of `clustersim catalog import-model`'s output), a Hugging Face config.json, a checkpoint directory holding one (named by its _name_or_path or its directory), or a repository id already in the local Hugging Face cache.",
    };

    /// <summary>
    /// <paramref name="catalog"/> with the models of <paramref name="path"/> (unchanged when null); what a config.json left
    /// out and the import assumed is printed as notes. Throws <see cref="IOException"/> or <see cref="CatalogException"/>.
    /// </summary>
    public static SimCatalog Apply(SimCatalog catalog, string? path)
    {
        if (path is null)
        {
            return catalog;
        }

        var notes = new List<string>();
        CsvTable table = ModelFile.Read(path, path, notes);
        foreach (string note in notes)
        {
            Console.Error.WriteLine($"note: {note}");
        }

        return catalog with { Models = catalog.Models.With(table) };
    }
}
