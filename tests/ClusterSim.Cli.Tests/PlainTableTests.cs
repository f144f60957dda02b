using System.Text.Json;

namespace ClusterSim.Cli.Tests;

public class PlainTableTests
{
    private static readonly string[] Headers = ["point", "cost $M"];
    private static readonly IReadOnlyList<string>[] Rows = [["a, \"quoted\"", "5.4 ± 0.1"], ["b|c", "7.7"]];

    [Fact]
    public void Csv_quotes_commas_and_quotes_as_RFC_4180_does()
    {
        string csv = PlainTable.Render(OutputFormat.Csv, Headers, Rows);
        Assert.Equal("point,cost $M\n\"a, \"\"quoted\"\"\",5.4 ± 0.1\nb|c,7.7\n", csv.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Markdown_escapes_pipes_and_keeps_every_column()
    {
        string[] lines = PlainTable.Render(OutputFormat.Markdown, Headers, Rows).ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        Assert.Equal("| point | cost $M |", lines[0]);
        Assert.Equal("|---|---|", lines[1]);
        Assert.Equal("| b\\|c | 7.7 |", lines[3]);
    }

    [Fact]
    public void Json_is_an_array_of_objects_keyed_by_header()
    {
        using JsonDocument doc = JsonDocument.Parse(PlainTable.Render(OutputFormat.Json, Headers, Rows));
        Assert.Equal(2, doc.RootElement.GetArrayLength());
        Assert.Equal("5.4 ± 0.1", doc.RootElement[0].GetProperty("cost $M").GetString());
        Assert.Equal("b|c", doc.RootElement[1].GetProperty("point").GetString());
    }

    [Fact]
    public void Tsv_has_one_line_per_row_and_no_tabs_inside_cells()
    {
        string tsv = PlainTable.Render(OutputFormat.Tsv, Headers, [["x\ty", "1"]]);
        Assert.Equal("point\tcost $M\nx y\t1\n", tsv.ReplaceLineEndings("\n"));
    }
}
