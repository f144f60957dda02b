using System.Globalization;
using ClusterSim.Core.Catalog;

namespace ClusterSim.Experiments.Replay;

/// <summary>One row of a published-results file (<see cref="PublishedResultsFile"/>): its cells by column, and errors that name them.</summary>
internal readonly record struct PublishedRow(CsvTable Table, int Line, string[] Cells)
{
    public string Text(string column) => Table.HasColumn(column) ? Table.Cell(Cells, column).Trim() : string.Empty;

    /// <summary>A number, or null for an empty cell; anything else is an error naming the cell.</summary>
    public double? Number(string column)
    {
        string text = Text(column);
        if (text.Length == 0)
        {
            return null;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value) && value >= 0
            ? value
            : throw Error(column, $"'{text}' is not a number at least 0");
    }

    /// <summary>A whole number at least 1, or null for an empty cell.</summary>
    public int? Whole(string column) => Number(column) switch
    {
        null => null,
        >= 1 and <= 1_000_000 and var v when v == Math.Floor(v) => (int)v,
        var v => throw Error(column, string.Create(CultureInfo.InvariantCulture, $"{v} is not a whole number from 1 to 1,000,000")),
    };

    public CatalogException Error(string column, string problem) => new(Table.Source, Line, column, problem);
}
