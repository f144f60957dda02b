using ClusterSim.Core.Engine;

namespace ClusterSim.Tests;

/// <summary>
/// The fuzz corpus: seeded damage to a text (an experiment or a catalog), as a hostile or careless hand would do it —
/// a span deleted or repeated, a character swapped for YAML or CSV punctuation, a number replaced by an extreme one,
/// a value emptied. The same seed gives the same mutations, so a failure names its reproducer by seed and index.
/// </summary>
internal static class TextMutator
{
    private const string Punctuation = "{}[]:,-#'\"\n 0.e|&*!%@`\t";
    private static readonly string[] ExtremeNumbers = ["0", "-1", "1e308", "-1e308", "1e-320", ".nan", ".inf", "-.inf", "2147483648", "9223372036854775808", "0.0000001", "99999999999"];

    /// <summary>The <paramref name="k"/>-th mutation of <paramref name="text"/>, drawn from <paramref name="random"/>.</summary>
    public static string Mutate(string text, int k, RandomStream random)
    {
        if (text.Length == 0)
        {
            return Punctuation[random.NextInt(Punctuation.Length)].ToString();
        }

        int at = random.NextInt(text.Length);
        switch (k % 5)
        {
            case 0:
                return text.Remove(at, Math.Min(1 + random.NextInt(8), text.Length - at));
            case 1:
                return text.Insert(at, text.Substring(at, Math.Min(1 + random.NextInt(20), text.Length - at)));
            case 2:
                return string.Concat(text.AsSpan(0, at), Punctuation[random.NextInt(Punctuation.Length)].ToString(), text.AsSpan(at + 1));
            case 3:
                return ReplaceNumber(text, at, ExtremeNumbers[random.NextInt(ExtremeNumbers.Length)]);
            default:
                return EmptyValue(text, at);
        }
    }

    /// <summary>The first number at or after <paramref name="at"/> (wrapping round) replaced by <paramref name="replacement"/>.</summary>
    private static string ReplaceNumber(string text, int at, string replacement)
    {
        for (int n = 0; n < text.Length; n++)
        {
            int i = (at + n) % text.Length;
            if (char.IsAsciiDigit(text[i]) && (i == 0 || !char.IsAsciiLetterOrDigit(text[i - 1]) && text[i - 1] != '.' && text[i - 1] != '-'))
            {
                int end = i;
                while (end < text.Length && (char.IsAsciiDigit(text[end]) || text[end] is '.' or 'e' or 'E' or '_'))
                {
                    end++;
                }

                return string.Concat(text.AsSpan(0, i), replacement, text.AsSpan(end));
            }
        }

        return text;
    }

    /// <summary>The value after the first "key:" at or after <paramref name="at"/> removed up to the end of its line, comma or brace.</summary>
    private static string EmptyValue(string text, int at)
    {
        int colon = text.IndexOf(": ", at, StringComparison.Ordinal);
        if (colon < 0)
        {
            return text;
        }

        int end = colon + 2;
        while (end < text.Length && text[end] is not ('\n' or ',' or '}'))
        {
            end++;
        }

        return string.Concat(text.AsSpan(0, colon + 2), text.AsSpan(end));
    }
}
