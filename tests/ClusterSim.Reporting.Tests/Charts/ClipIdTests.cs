using System.Text;
using System.Text.RegularExpressions;
using ClusterSim.Reporting.Charts;

namespace ClusterSim.Reporting.Tests.Charts;

/// <summary>The one-pass clip-id scan finds what the regular expression it replaced finds, in any text.</summary>
public class ClipIdTests
{
    private static readonly Regex Reference = new(@"\bcl_[0-9a-fA-F]+\b");

    [Theory]
    [InlineData("<clipPath id=\"cl_3\"><g clip-path=\"url(#cl_3)\">", new[] { "cl_3", "cl_3" })]
    [InlineData("xcl_3 cl_ cl_g cl_1g cl_1_ _cl_2 cl_aF0", new[] { "cl_aF0" })]
    [InlineData("cl_12", new[] { "cl_12" })]
    [InlineData("écl_1 cl_1é cl_1\u200D (cl_ff)", new[] { "cl_ff" })]
    public void Finds_what_the_regular_expression_finds(string text, string[] expected)
    {
        Assert.Equal(expected, Scan(text));
        Assert.Equal(Reference.Matches(text).Select(m => m.Value), Scan(text));
    }

    [Fact]
    public void Agrees_with_the_regular_expression_on_random_text()
    {
        // Texts dense in near misses: the prefix and its parts, hex and other word characters, boundaries of each kind.
        string[] pieces = ["cl_", "cl", "c", "l_", "_", "0", "9", "a", "F", "g", "z", "é", "\u0301", "\u200C", " ", "\"", "#", "(", ")", "-", ">", "\n"];
        var random = new Random(11);
        for (int t = 0; t < 5_000; t++)
        {
            var text = new StringBuilder();
            for (int k = random.Next(0, 30); k > 0; k--)
            {
                text.Append(pieces[random.Next(pieces.Length)]);
            }

            string s = text.ToString();
            Assert.Equal(Reference.Matches(s).Select(m => (m.Index, m.Value)), ScanWithIndex(s));
        }
    }

    private static List<string> Scan(string text) => [.. ScanWithIndex(text).Select(m => m.Value)];

    private static List<(int Index, string Value)> ScanWithIndex(string text)
    {
        var found = new List<(int, string)>();
        for (int i = 0; (i = ScottPlotChartRenderer.ClipIdAt(text, i, out int end)) >= 0; i = end)
        {
            found.Add((i, text[i..end]));
        }

        return found;
    }
}
