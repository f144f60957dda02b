using System.Globalization;

namespace ClusterSim.Core.Catalog;

/// <summary>Typed access to one CSV row that reports bad cells with file, line and column.</summary>
internal readonly struct CsvRowReader(CsvTable table, int line, string[] cells)
{
    public int Line => line;

    public string Text(string column, bool required = true)
    {
        string value = table.Cell(cells, column);
        if (required && value.Length == 0)
        {
            throw new CatalogException(table.Source, line, column, "is required but empty");
        }

        return value;
    }

    public double Number(string column, double? fallback = null, double min = 0)
    {
        string value = table.Cell(cells, column);
        if (value.Length == 0)
        {
            return fallback ?? throw new CatalogException(table.Source, line, column, "is required but empty; expected a number");
        }

        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) || double.IsNaN(number))
        {
            throw new CatalogException(table.Source, line, column, $"'{value}' is not a number");
        }

        if (number < min)
        {
            throw new CatalogException(table.Source, line, column, $"{value} is below the minimum {min}");
        }

        return number;
    }

    public double? OptionalNumber(string column)
    {
        string value = table.Cell(cells, column);
        return value.Length == 0 ? null : Number(column);
    }

    public int Integer(string column, int? fallback = null, int min = 0)
    {
        double number = Number(column, fallback, min);
        if (number != Math.Floor(number))
        {
            throw new CatalogException(table.Source, line, column, $"{number} is not a whole number");
        }

        return (int)number;
    }

    /// <summary>A semicolon-separated list cell as its trimmed, non-empty items.</summary>
    public static IReadOnlyList<string> List(string cell) =>
        cell.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public bool Flag(string column, bool fallback = false)
    {
        string value = table.Cell(cells, column);
        return value.Length == 0
            ? fallback
            : value.ToLowerInvariant() switch
            {
                "true" or "yes" or "1" => true,
                "false" or "no" or "0" => false,
                _ => throw new CatalogException(table.Source, line, column, $"'{value}' is not true or false"),
            };
    }
}
