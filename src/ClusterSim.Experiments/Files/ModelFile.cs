using ClusterSim.Core.Catalog;

namespace ClusterSim.Experiments.Files;

/// <summary>
/// A file that adds models to the catalog: a models CSV (the shipped <c>models.csv</c>'s columns), a Hugging Face
/// <c>config.json</c>, a checkpoint directory holding one (a Hugging Face cache snapshot included), or the repository id of a
/// checkpoint already in the local Hugging Face cache.
/// </summary>
public static class ModelFile
{
    /// <summary>
    /// The catalog rows <paramref name="path"/> holds, named <paramref name="shown"/> in messages; a config.json's
    /// assumptions are added to <paramref name="notes"/>. Throws <see cref="IOException"/> or <see cref="CatalogException"/>.
    /// </summary>
    public static CsvTable Read(string path, string shown, ICollection<string> notes)
    {
        string located = Locate(path);
        string file = Directory.Exists(located) ? Path.Combine(located, "config.json") : located;
        if (!file.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            return CsvTable.Parse(new StringReader(InputFile.ReadText(file)), shown);
        }

        ImportedModel model = ReadConfig(path, shown);
        foreach (string note in model.Notes)
        {
            notes.Add($"{model.Id}: {note}");
        }

        return model.Table(Source(path, shown));
    }

    /// <summary>
    /// The model of the config.json at <paramref name="path"/> (a file, a checkpoint directory or a cached repository id),
    /// named <paramref name="shown"/> in messages: <paramref name="id"/> when given, else the checkpoint's own name, else
    /// the one its path gives (<see cref="NameFromPath"/>, whose Hugging Face name joins <paramref name="aliases"/>).
    /// </summary>
    public static ImportedModel ReadConfig(string path, string shown, string? id = null, string? name = null, IReadOnlyList<string>? aliases = null)
    {
        string located = Locate(path);
        string file = Directory.Exists(located) ? Path.Combine(located, "config.json") : located;
        var (pathId, pathAlias) = NameFromPath(file);
        return HuggingFaceModel.Import(InputFile.ReadText(file), Source(path, shown), id, name, [.. aliases ?? [], .. pathAlias is null ? [] : new[] { pathAlias }], pathId);
    }

    /// <summary>How a config is named in messages: a checkpoint directory's config.json under the directory's name.</summary>
    private static string Source(string path, string shown) => Directory.Exists(path) ? Path.Combine(shown, "config.json") : shown;

    /// <summary>
    /// <paramref name="path"/> itself when it is a file or directory; a repository id (<c>org/name</c>) that is neither is
    /// looked up in the Hugging Face cache. Throws <see cref="IOException"/> naming where it looked when it is nowhere.
    /// </summary>
    public static string Locate(string path) => Locate(path, HuggingFaceCache.Roots());

    /// <summary><see cref="Locate(string)"/> with the cache's possible places given.</summary>
    public static string Locate(string path, IReadOnlyList<string> cacheRoots)
    {
        if (File.Exists(path) || Directory.Exists(path) || !HuggingFaceCache.IsRepositoryId(path))
        {
            return path;
        }

        return HuggingFaceCache.ConfigOf(path, cacheRoots)
            ?? throw new IOException($"{path}: no such file, and no snapshot of the repository '{path}' in the Hugging Face cache (looked in {string.Join(", ", cacheRoots)}); nothing is downloaded: give a config.json or checkpoint directory");
    }

    /// <summary>
    /// The id and Hugging Face name a config's path gives: <c>models--org--name/snapshots/HASH/config.json</c> (the
    /// Hugging Face cache) gives <c>name</c> and <c>org/name</c>; <c>.../name/config.json</c> gives <c>name</c>;
    /// <c>name.json</c> gives <c>name</c>.
    /// </summary>
    public static (string? Id, string? Alias) NameFromPath(string file)
    {
        string full = Path.GetFullPath(file);
        string? directory = Path.GetDirectoryName(full);
        string stem = Path.GetFileNameWithoutExtension(full);
        if (!string.Equals(stem, "config", StringComparison.OrdinalIgnoreCase))
        {
            return (stem.ToLowerInvariant(), null);
        }

        string? parent = directory is null ? null : Path.GetFileName(directory);
        string? grandparent = directory is null ? null : Path.GetFileName(Path.GetDirectoryName(directory));
        string? repository = grandparent == "snapshots" ? Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(directory))) : null;
        if (repository is not null && repository.StartsWith("models--", StringComparison.Ordinal))
        {
            string[] parts = repository["models--".Length..].Split("--");
            return (parts[^1].ToLowerInvariant(), string.Join('/', parts));
        }

        return string.IsNullOrEmpty(parent) ? (null, null) : (parent.ToLowerInvariant(), null);
    }
}
