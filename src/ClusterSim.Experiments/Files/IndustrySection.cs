using System.Text;
using System.Globalization;
using ClusterSim.Core.Economics;
using YamlDotNet.RepresentationModel;

namespace ClusterSim.Experiments.Files;

/// <summary>Reads the <c>industry:</c> section; the base training bill and cost per token come from the point's simulated lifecycle at run time.</summary>
internal static class IndustrySection
{
    /// <summary>The volumes the years may reach, in tokens a day: one, and some 10⁸ for each person alive.</summary>
    private const double MinTokensPerDay = 1, MaxTokensPerDay = 1e18;

    public static IndustryOptions? Read(YamlReader r, YamlMappingNode root)
    {
        const string path = "industry";
        YamlMappingNode? node = r.Mapping(YamlReader.Child(root, path), path,
            "from_year", "to_year", "base_year", "training_growth_per_year", "training_multiplier", "hardware_cost_change_per_year", "software_gain_per_year", "output_tokens_per_day");
        if (node is null)
        {
            return null;
        }

        var anchors = new List<(DateOnly, double)>();
        if (YamlReader.Child(node, "output_tokens_per_day") is YamlMappingNode volumes)
        {
            foreach (var (key, value) in volumes.Children)
            {
                string date = (key as YamlScalarNode)?.Value ?? string.Empty;
                string? text = (value as YamlScalarNode)?.Value;
                if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly day))
                {
                    r.Problem(key, $"industry.output_tokens_per_day.{date}", "expected a date as yyyy-mm-dd");
                }
                else if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double tokens) || tokens <= 0)
                {
                    r.Problem(value, $"industry.output_tokens_per_day.{date}", $"expected a positive number of tokens per day, got '{text}'");
                }
                else
                {
                    anchors.Add((day, tokens));
                }
            }
        }

        if (anchors.Count < 2)
        {
            r.Problem(node, "industry.output_tokens_per_day", "give at least two dated volumes, e.g. { 2024-02-09: 133e9, 2025-06-30: 6.5e12 }");
            return null;
        }

        int from = r.Integer(node, "from_year", path, 2020, 1950, 2100);
        int to = r.Integer(node, "to_year", path, 2026, 1950, 2100);
        if (to < from)
        {
            r.Problem(YamlReader.Child(node, "to_year"), "industry.to_year", $"{to} is before from_year {from}");
        }

        var curve = new TokenVolumeCurve(anchors);
        if (to >= from)
        {
            // Volumes are extrapolated log-linearly from the nearest two anchors: close anchors far from the years can
            // carry them past any real volume (or to infinity), or to nothing.
            foreach (DateOnly end in new[] { new DateOnly(from, 1, 1), new DateOnly(to, 12, 31) })
            {
                double tokens = curve.At(end);
                if (!(tokens >= MinTokensPerDay && tokens <= MaxTokensPerDay))
                {
                    r.Problem(YamlReader.Child(node, "output_tokens_per_day"), "industry.output_tokens_per_day",
                        string.Create(CultureInfo.InvariantCulture, $"extrapolated to {end:yyyy-MM-dd} the volumes give {tokens:0.###e+0} tokens a day, outside {MinTokensPerDay:0} to {MaxTokensPerDay:0e+0} (about 10^8 a person a day); give volumes nearer the years {from}-{to}, or anchors further apart"));
                    break;
                }
            }
        }

        return new IndustryOptions
        {
            FromYear = from,
            ToYear = to,
            BaseYear = r.Integer(node, "base_year", path, 2024, 1950, 2100),
            TrainingGrowthPerYear = r.Number(node, "training_growth_per_year", path, 2.4, 0, exclusiveMin: true),
            ResearchMultiplier = r.Number(node, "training_multiplier", path, 1, 0, exclusiveMin: true),
            HardwareCostChangePerYear = r.Number(node, "hardware_cost_change_per_year", path, -0.30, -0.99, 10),
            SoftwareGainPerYear = r.Number(node, "software_gain_per_year", path, 0.44, -0.99, 10),
            OutputTokensPerDay = curve,
            BaseTrainingUsd = 0,
            BaseUsdPerMillionTokens = 0,
        };
    }

    /// <summary>The industry section as the resolved experiment writes it, every default explicit.</summary>
    public static string Resolved(IndustryOptions o)
    {
        string F(double v) => ResolvedSections.F(v);
        string volumes = string.Join(", ", o.OutputTokensPerDay.Anchors.Select(a => string.Create(CultureInfo.InvariantCulture, $"{a.Date:yyyy-MM-dd}: {F(a.Tokens)}")));
        var text = new StringBuilder("industry:\n");
        text.Append(CultureInfo.InvariantCulture, $"  from_year: {o.FromYear}\n  to_year: {o.ToYear}\n  base_year: {o.BaseYear}\n");
        text.Append(CultureInfo.InvariantCulture, $"  training_growth_per_year: {F(o.TrainingGrowthPerYear)}\n  training_multiplier: {F(o.ResearchMultiplier)}\n");
        text.Append(CultureInfo.InvariantCulture, $"  hardware_cost_change_per_year: {F(o.HardwareCostChangePerYear)}\n  software_gain_per_year: {F(o.SoftwareGainPerYear)}\n");
        text.Append(CultureInfo.InvariantCulture, $"  output_tokens_per_day: {{ {volumes} }}\n");
        return text.ToString();
    }
}
