using System.Globalization;
using System.Text;
using ClusterSim.Experiments.Sweeps;
using YamlDotNet.RepresentationModel;

namespace ClusterSim.Experiments.Files;

/// <summary>The <c>sweep:</c> section: a mode, the swept paths with their lists or ranges, and a sample count for sampled modes.</summary>
internal sealed record SweepSection(SweepMode Mode, int Samples, IReadOnlyList<SweepParameter> Parameters)
{
    /// <summary>A human name for each point of a zip sweep (<c>labels:</c>), or null to name points by their values.</summary>
    public IReadOnlyList<string>? Labels { get; init; }

    /// <summary>
    /// The point the others are compared with, replication by replication (<c>baseline:</c>, a point's label or its
    /// number), and where the file says so; null for no comparison.
    /// </summary>
    public (string Name, YamlNode Node)? Baseline { get; init; }

    private static readonly Dictionary<string, SweepMode> Modes = new()
    {
        ["grid"] = SweepMode.Grid,
        ["zip"] = SweepMode.Zip,
        ["random"] = SweepMode.Random,
        ["lhs"] = SweepMode.LatinHypercube,
    };

    public bool Sampled => Mode is SweepMode.Random or SweepMode.LatinHypercube;

    public static SweepSection Read(YamlReader reader, YamlMappingNode root)
    {
        YamlMappingNode? sweep = reader.Mapping(YamlReader.Child(root, "sweep"), "sweep", "mode", "samples", "parameters", "labels", "baseline");
        SweepMode mode = reader.Choice(sweep, "mode", "sweep", SweepMode.Grid, Modes);
        bool sampled = mode is SweepMode.Random or SweepMode.LatinHypercube;
        int samples = reader.Integer(sweep, "samples", "sweep", sampled ? 10 : 0, 1, 100_000);
        if (sampled && YamlReader.Child(sweep, "samples") is null)
        {
            reader.Problem(sweep, "sweep.samples", "a random or lhs sweep needs 'samples' (how many points to draw)");
        }

        var parameters = new List<SweepParameter>();
        if (YamlReader.Child(sweep, "parameters") is YamlMappingNode parameterNode)
        {
            foreach (var (key, value) in parameterNode.Children)
            {
                if (key is not YamlScalarNode scalarKey)
                {
                    reader.Problem(key, "sweep.parameters", "a swept path must be a plain name, not a list or a mapping");
                    continue;
                }

                string path = scalarKey.Value ?? string.Empty;
                string where = $"sweep.parameters.{path}";
                if (value is YamlSequenceNode list && list.Children.Count > 0 && list.Children.All(c => c is YamlScalarNode))
                {
                    parameters.Add(new SweepParameter(path, list.Children.Select(c => ((YamlScalarNode)c).Value ?? string.Empty).ToList()));
                }
                else if (sampled && value is YamlMappingNode range)
                {
                    reader.Mapping(range, where, "min", "max", "log", "integer");
                    double min = reader.Number(range, "min", where, 0), max = reader.Number(range, "max", where, 1);
                    bool log = reader.Flag(range, "log", where, false);
                    if (max < min || (log && min <= 0))
                    {
                        reader.Problem(range, where, log ? "a log range needs 0 < min ≤ max" : $"max ({max}) is below min ({min})");
                    }

                    parameters.Add(new SweepParameter(path, null, min, max, log, reader.Flag(range, "integer", where, false)));
                }
                else
                {
                    reader.Problem(value, where, sampled
                        ? "expected a list of values, e.g. [fp8, bf16], or a range, e.g. { min: 0.1, max: 0.9 }"
                        : "expected a non-empty list of values, e.g. [0.1, 0.5, 0.9] (ranges need mode: random or lhs)");
                }
            }
        }

        if (ZipListsDiffer(mode, parameters))
        {
            reader.Problem(sweep, "sweep.parameters", "a zip sweep needs lists of equal length");
        }

        List<string>? labels = null;
        if (YamlReader.Child(sweep, "labels") is { } labelNode)
        {
            int points = parameters.Count == 0 ? 0 : parameters[0].Values?.Count ?? 0;
            if (mode != SweepMode.Zip || labelNode is not YamlSequenceNode names || names.Children.Count != points || !names.Children.All(c => c is YamlScalarNode))
            {
                reader.Problem(labelNode, "sweep.labels", $"expected a list of {points} names, one per point of a zip sweep (mode: zip)");
            }
            else
            {
                labels = [.. names.Children.Select(c => ((YamlScalarNode)c).Value ?? string.Empty)];
                if (labels.Distinct(StringComparer.Ordinal).Count() != labels.Count || labels.Any(string.IsNullOrWhiteSpace))
                {
                    reader.Problem(labelNode, "sweep.labels", "each point needs its own non-empty name");
                }
            }
        }

        string? baseline = reader.Text(sweep, "baseline", "sweep");
        return new SweepSection(mode, samples, parameters)
        {
            Labels = labels,
            Baseline = baseline is null ? null : (baseline, YamlReader.Child(sweep, "baseline")!),
        };
    }

    /// <summary>A zip sweep whose lists differ in length: reported while parsing, and it has no points to expand.</summary>
    public bool ZipListsDiffer() => ZipListsDiffer(Mode, Parameters);

    private static bool ZipListsDiffer(SweepMode mode, IReadOnlyList<SweepParameter> parameters) =>
        mode == SweepMode.Zip && parameters.Select(p => p.Values?.Count).Distinct().Count() > 1;

    /// <summary>The section as YAML, for the resolved experiment.</summary>
    public string Resolved()
    {
        if (Parameters.Count == 0)
        {
            return string.Empty;
        }

        var text = new StringBuilder("sweep:\n");
        text.AppendLine(CultureInfo.InvariantCulture, $"  mode: {Modes.First(m => m.Value == Mode).Key}");
        if (Sampled)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  samples: {Samples}");
        }

        text.AppendLine("  parameters:");
        foreach (SweepParameter p in Parameters)
        {
            string value = p.Values is { } values
                ? $"[{string.Join(", ", values)}]"
                : string.Create(CultureInfo.InvariantCulture, $"{{ min: {p.Min:G6}, max: {p.Max:G6}, log: {(p.Log ? "true" : "false")}, integer: {(p.Integer ? "true" : "false")} }}");
            text.AppendLine(CultureInfo.InvariantCulture, $"    {p.Path}: {value}");
        }

        if (Labels is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  labels: [{string.Join(", ", Labels)}]");
        }

        if (Baseline is { } baseline)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  baseline: \"{baseline.Name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"");
        }

        return text.ToString();
    }
}
