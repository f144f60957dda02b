using System.Text;

namespace ClusterSim.Core.Catalog;

/// <summary>A model read from a Hugging Face config.json: its catalog row, and the defaults the import took, for the user to check.</summary>
public sealed class ImportedModel
{
    internal ImportedModel(string id, IReadOnlyList<KeyValuePair<string, string>> cells, IReadOnlyList<string> notes)
    {
        Id = id;
        Cells = cells;
        Notes = notes;
    }

    /// <summary>The row's id, by which experiments and measured runs name the model.</summary>
    public string Id { get; }

    /// <summary>The row's cells, in the order of the shipped <c>models.csv</c> columns.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Cells { get; }

    /// <summary>What the config left out and the import assumed, one sentence each.</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>The CSV header of a model catalog.</summary>
    public string Header => string.Join(',', Cells.Select(c => c.Key));

    /// <summary>The row as one CSV line (cells quoted where they need it).</summary>
    public string Row => string.Join(',', Cells.Select(c => Quote(c.Value)));

    /// <summary>The model as the catalog reads it (every catalog check applied: heads divisible by KV heads, top-k within the experts, ...).</summary>
    public ModelSpec Spec(string source) => ModelCatalog.Empty.With(Table(source)).Get(Id);

    /// <summary>A one-row catalog table of the model, named <paramref name="source"/> in messages.</summary>
    public CsvTable Table(string source) => CsvTable.Parse(new StringReader(new StringBuilder().AppendLine(Header).AppendLine(Row).ToString()), source);

    private static string Quote(string cell) =>
        cell.IndexOfAny([',', '"', '\n', '\r']) < 0 ? cell : $"\"{cell.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
