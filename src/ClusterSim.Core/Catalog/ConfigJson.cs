using System.Text.Json;

namespace ClusterSim.Core.Catalog;

/// <summary>
/// Typed reads of a Hugging Face <c>config.json</c>: the language model's fields (a multimodal checkpoint's
/// <c>text_config</c> first, then the top level), each bad or missing one reported with the file, the line it is on and
/// what was expected.
/// </summary>
internal sealed class ConfigJson
{
    private readonly string _text;
    private readonly JsonElement _root;
    private readonly JsonElement? _textConfig;

    private ConfigJson(string text, string source, JsonElement root)
    {
        _text = text;
        Source = source;
        _root = root;
        _textConfig = root.TryGetProperty("text_config", out JsonElement inner) && inner.ValueKind == JsonValueKind.Object ? inner : null;
    }

    /// <summary>Where the text came from, for messages.</summary>
    public string Source { get; }

    /// <summary>True when the language model's fields sit in a nested <c>text_config</c> (a vision-language checkpoint).</summary>
    public bool HasTextConfig => _textConfig is not null;

    /// <summary>Parses <paramref name="text"/>; a syntax error is reported with its line.</summary>
    public static ConfigJson Parse(string text, string source)
    {
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new CatalogException(source, 1, null, "expected a JSON object (a Hugging Face config.json)");
            }

            return new ConfigJson(text, source, document.RootElement.Clone());
        }
        catch (JsonException e)
        {
            throw new CatalogException(source, (int)(e.LineNumber ?? 0) + 1, null, $"not valid JSON: {e.Message}");
        }
    }

    /// <summary>The field <paramref name="name"/> when present and not null: in the text config, the top level, then DBRX's and MPT's nested settings.</summary>
    public JsonElement? Find(string name)
    {
        foreach (JsonElement scope in Scopes())
        {
            if (scope.TryGetProperty(name, out JsonElement value) && value.ValueKind != JsonValueKind.Null)
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>A positive whole number under the first of <paramref name="names"/> present; an error naming them all when none is.</summary>
    public int Integer(params string[] names)
    {
        if (First(names) is not var (name, found))
        {
            throw Problem(names[0], $"is missing; expected a positive whole number{(names.Length > 1 ? $" (also read as {string.Join(" or ", names.Skip(1))})" : string.Empty)}");
        }

        int value = WholeNumber(name, found);
        return value > 0 ? value : throw Problem(name, "is 0; expected a positive whole number");
    }

    /// <summary>A whole number under the first of <paramref name="names"/> present (at least 0), or null.</summary>
    public int? OptionalInteger(params string[] names) => First(names) is var (name, value) ? WholeNumber(name, value) : null;

    /// <summary>The first of <paramref name="names"/> present, with its value.</summary>
    private (string Name, JsonElement Value)? First(string[] names)
    {
        foreach (string name in names)
        {
            if (Find(name) is { } value)
            {
                return (name, value);
            }
        }

        return null;
    }

    /// <summary><paramref name="value"/>, the field <paramref name="name"/>, as a whole number of at least 0.</summary>
    private int WholeNumber(string name, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double number) || number != Math.Floor(number) || number < 0 || number > int.MaxValue)
        {
            throw Problem(name, $"is {value.GetRawText()}; expected a whole number of at least 0");
        }

        return (int)number;
    }

    /// <summary>A number under <paramref name="name"/>, or null.</summary>
    public double? OptionalNumber(string name) => Find(name) is { ValueKind: JsonValueKind.Number } value ? value.GetDouble() : null;

    /// <summary>A true/false field, or <paramref name="fallback"/> when absent.</summary>
    public bool Flag(string name, bool fallback) => Find(name) switch
    {
        null => fallback,
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        JsonElement other => throw Problem(name, $"is {other.GetRawText()}; expected true or false"),
    };

    /// <summary>A text field, or null.</summary>
    public string? Text(string name) => Find(name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    /// <summary>The strings of a list field (<c>architectures</c>, <c>layer_types</c>), empty when absent.</summary>
    public IReadOnlyList<string> Strings(string name) => Find(name) is { ValueKind: JsonValueKind.Array } list
        ? [.. list.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)]
        : [];

    /// <summary>How many entries a list field has (<c>moe_layers</c>), 0 when absent.</summary>
    public int Count(string name) => Find(name) is { ValueKind: JsonValueKind.Array } list ? list.GetArrayLength() : 0;

    /// <summary>The whole numbers of a list field (<c>mlp_only_layers</c>), empty when absent.</summary>
    public IReadOnlySet<int> Integers(string name) => Find(name) is { ValueKind: JsonValueKind.Array } list
        ? list.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out _)).Select(e => e.GetInt32()).ToHashSet()
        : new HashSet<int>();

    /// <summary>The text of a field of a nested object (<c>quantization_config.quant_method</c>), or null.</summary>
    public string? NestedText(string parent, string name) =>
        Find(parent) is { ValueKind: JsonValueKind.Object } inner && inner.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A number of a nested object (<c>quantization_config.bits</c>), or null.</summary>
    public double? NestedNumber(string parent, string name) =>
        Find(parent) is { ValueKind: JsonValueKind.Object } inner && inner.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

    /// <summary>An error about <paramref name="field"/>, located on the line that names it (the first line when none does).</summary>
    public CatalogException Problem(string field, string problem) => new(Source, LineOf(field), field, problem);

    private IEnumerable<JsonElement> Scopes()
    {
        if (_textConfig is { } inner)
        {
            yield return inner;
        }

        yield return _root;

        // DBRX and MPT keep their attention and MLP settings in objects of their own.
        foreach (string nested in (string[])["attn_config", "ffn_config"])
        {
            if (_root.TryGetProperty(nested, out JsonElement part) && part.ValueKind == JsonValueKind.Object)
            {
                yield return part;
            }
        }
    }

    private int LineOf(string field)
    {
        int at = _text.IndexOf($"\"{field}\"", StringComparison.Ordinal);
        return at < 0 ? 1 : 1 + _text.AsSpan(0, at).Count('\n');
    }
}
