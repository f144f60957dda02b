using System.Globalization;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Catalog;

/// <summary>
/// The sampling a checkpoint's generation_config.json asks for, by Hugging Face name: vLLM (from 0.8, its
/// <c>--generation-config auto</c> default) applies it to every request that does not set its own temperature, top-p or
/// top-k, as the load generators that send only a prompt and a token budget do. Only checkpoints whose file is
/// recorded here (with where it was read) have a default; for any other the caller says how its requests sample.
/// </summary>
public static class SamplingDefaults
{
    private static readonly Lazy<Dictionary<string, (SamplingMode Mode, string Settings, string Source)>> Shipped = new(Load);

    /// <summary>The recorded default of <paramref name="checkpoint"/> (case-insensitive), or false when none is recorded.</summary>
    public static bool TryGet(string checkpoint, out SamplingMode mode, out string settings, out string source)
    {
        if (Shipped.Value.TryGetValue(checkpoint.Trim(), out var entry))
        {
            (mode, settings, source) = entry;
            return true;
        }

        (mode, settings, source) = (SamplingMode.Random, string.Empty, string.Empty);
        return false;
    }

    /// <summary>Every recorded default, by checkpoint.</summary>
    public static IEnumerable<(string Checkpoint, SamplingMode Mode, string Settings, string Source)> All =>
        Shipped.Value.OrderBy(e => e.Key, StringComparer.OrdinalIgnoreCase).Select(e => (e.Key, e.Value.Mode, e.Value.Settings, e.Value.Source));

    private static Dictionary<string, (SamplingMode, string, string)> Load()
    {
        CsvTable table = CsvTable.Parse(new StringReader(SimCatalog.ShippedText("sampling-defaults.csv")), "catalog/sampling-defaults.csv");
        var rows = new Dictionary<string, (SamplingMode, string, string)>(StringComparer.OrdinalIgnoreCase);
        foreach (var (line, cells) in table.Rows)
        {
            var row = new CsvRowReader(table, line, cells);
            double? temperature = row.OptionalNumber("temperature");
            double topP = row.OptionalNumber("top_p") ?? 1;
            double topK = row.OptionalNumber("top_k") ?? 0;
            SamplingMode mode = temperature == 0 ? SamplingMode.Greedy
                : topP < 1 || topK > 0 ? SamplingMode.Filtered
                : SamplingMode.Random;
            string settings = string.Join(", ", new[]
            {
                temperature is { } t ? "temperature " + t.ToString("0.###", CultureInfo.InvariantCulture) : null,
                topP < 1 ? "top_p " + topP.ToString("0.###", CultureInfo.InvariantCulture) : null,
                topK > 0 ? "top_k " + topK.ToString("0", CultureInfo.InvariantCulture) : null,
            }.Where(s => s is not null));
            rows[row.Text("checkpoint")] = (mode, settings.Length == 0 ? "no sampling parameters" : settings, row.Text("source"));
        }

        return rows;
    }
}
