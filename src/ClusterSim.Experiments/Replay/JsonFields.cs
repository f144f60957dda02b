using System.Globalization;
using System.Text.Json;
using ClusterSim.Core.Catalog;

namespace ClusterSim.Experiments.Replay;

/// <summary>
/// Reading the fields of a benchmark's JSON result the same way in every reader: an absent section or field (or a JSON
/// null) is unpublished, a wrong kind of value an error naming the file, the line and the field.
/// </summary>
internal static class JsonFields
{
    /// <summary>The object under <paramref name="name"/>, or the default element (which has no fields) when there is none.</summary>
    public static JsonElement Section(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out JsonElement e) && e.ValueKind == JsonValueKind.Object ? e : default;

    /// <summary>A finite number, or null when unpublished; <paramref name="field"/> names it in the error (the name by default).</summary>
    public static double? Number(JsonElement section, string name, string source, int line, string? field = null)
    {
        if (section.ValueKind != JsonValueKind.Object || !section.TryGetProperty(name, out JsonElement e) || e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return e.ValueKind == JsonValueKind.Number && double.IsFinite(e.GetDouble())
            ? e.GetDouble()
            : throw new CatalogException(source, line, field ?? name, string.Create(CultureInfo.InvariantCulture, $"expected a number, got {e.GetRawText()}"));
    }

    /// <summary>
    /// <see cref="Number"/> that cannot be negative (a count, a rate, a length, a latency): null when unpublished, an error
    /// naming the field when below 0.
    /// </summary>
    public static double? NonNegative(JsonElement section, string name, string source, int line, string? field = null) =>
        Number(section, name, source, line, field) switch
        {
            < 0 and double v => throw new CatalogException(source, line, field ?? name, string.Create(CultureInfo.InvariantCulture, $"expected a number, at least 0, got {v}")),
            var value => value,
        };

    /// <summary>A whole number in [<paramref name="min"/>, <paramref name="max"/>], or null when unpublished.</summary>
    public static int? Integer(JsonElement section, string name, int min, int max, string source, int line) =>
        Number(section, name, source, line) switch
        {
            null => null,
            double v when v >= min && v <= max && v == Math.Floor(v) => (int)v,
            double v => throw new CatalogException(source, line, name, string.Create(CultureInfo.InvariantCulture, $"expected a whole number from {min:N0} to {max:N0}, got {v}")),
        };

    /// <summary>A non-empty string (trimmed), or null when unpublished or not a string.</summary>
    public static string? Text(JsonElement section, string name) =>
        section.ValueKind == JsonValueKind.Object && section.TryGetProperty(name, out JsonElement e) && e.ValueKind == JsonValueKind.String
        && e.GetString()!.Trim() is { Length: > 0 } text ? text : null;
}
