namespace ClusterSim.Core.Catalog;

/// <summary>A catalog file that cannot be read: where (file, line, column name) and what was expected.</summary>
public sealed class CatalogException : Exception
{
    /// <summary>Creates the error.</summary>
    public CatalogException(string source, int line, string? field, string problem)
        : base($"{source}:{line}{(field is null ? string.Empty : $": field '{field}'")}: {problem}")
    {
        Origin = source;
        Line = line;
        Field = field;
    }

    /// <summary>File or resource name.</summary>
    public string Origin { get; }

    /// <summary>1-based line number.</summary>
    public int Line { get; }

    /// <summary>Column name, when the problem is one cell.</summary>
    public string? Field { get; }
}
