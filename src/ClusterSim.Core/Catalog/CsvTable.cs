using System.Text;

namespace ClusterSim.Core.Catalog;

/// <summary>A parsed RFC 4180 CSV table: a header and rows, each row remembering its line number for error messages.</summary>
public sealed class CsvTable
{
    private readonly Dictionary<string, int> _columns;

    private CsvTable(string source, string[] header, List<(int Line, string[] Cells)> rows)
    {
        Source = source;
        Header = header;
        Rows = rows;
        _columns = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < header.Length; i++)
        {
            string name = header[i].Trim();
            if (name.Length > 0 && !_columns.TryAdd(name, i))
            {
                throw new CatalogException(source, 1, name, $"the header names column '{name}' twice (columns {_columns[name] + 1} and {i + 1})");
            }
        }
    }

    /// <summary>Where the text came from (a file name or resource), for messages.</summary>
    public string Source { get; }

    /// <summary>Column names.</summary>
    public IReadOnlyList<string> Header { get; }

    /// <summary>Data rows with their 1-based line numbers.</summary>
    public IReadOnlyList<(int Line, string[] Cells)> Rows { get; }

    /// <summary>True when the table has the named column.</summary>
    public bool HasColumn(string name) => _columns.ContainsKey(name);

    /// <summary>The cell of a row in the named column; empty when the row is short or the column absent.</summary>
    public string Cell(string[] row, string column) =>
        _columns.TryGetValue(column, out int i) && i < row.Length ? row[i].Trim() : string.Empty;

    /// <summary>Parses CSV text; throws <see cref="CatalogException"/> on an unterminated quote.</summary>
    public static CsvTable Parse(TextReader reader, string source)
    {
        var records = new List<(int Line, string[] Cells)>();
        var cells = new List<string>();
        var cell = new StringBuilder();
        int line = 1, recordLine = 1;
        bool quoted = false, any = false;
        int ch;
        while ((ch = reader.Read()) != -1)
        {
            char c = (char)ch;
            any = true;
            if (quoted)
            {
                if (c == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        cell.Append('"');
                        reader.Read();
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    if (c == '\n')
                    {
                        line++;
                    }

                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else if (c == '\n')
            {
                cells.Add(cell.ToString());
                cell.Clear();
                if (cells.Count > 1 || cells[0].Length > 0)
                {
                    records.Add((recordLine, cells.ToArray()));
                }

                cells.Clear();
                line++;
                recordLine = line;
                any = false;
            }
            else if (c != '\r')
            {
                cell.Append(c);
            }
        }

        if (quoted)
        {
            throw new CatalogException(source, recordLine, null, "a quoted field is not closed");
        }

        if (any)
        {
            cells.Add(cell.ToString());
            records.Add((recordLine, cells.ToArray()));
        }

        if (records.Count == 0)
        {
            throw new CatalogException(source, 1, null, "the file is empty; expected a header line");
        }

        return new CsvTable(source, records[0].Cells, records.Skip(1).ToList());
    }
}
