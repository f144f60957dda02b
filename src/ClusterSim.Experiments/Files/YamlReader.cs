using System.Globalization;
using ClusterSim.Core.Catalog;
using YamlDotNet.RepresentationModel;

namespace ClusterSim.Experiments.Files;

/// <summary>
/// Reads typed values out of a YAML tree while collecting problems with their positions, so that a file
/// with several mistakes reports all of them at once. A sweep point's reader is made <paramref name="within"/> the
/// file's, so a key misspelt in the file explains what the point then misses.
/// </summary>
internal sealed class YamlReader(string file, SchemaRecorder? recorder = null, YamlReader? within = null)
{
    private readonly List<ExperimentProblem> _problems = [];

    public IReadOnlyList<ExperimentProblem> Problems => _problems;

    public void Problem(YamlNode? node, string path, string message)
    {
        if (message.StartsWith("is required", StringComparison.Ordinal) && WasMisspelt(path))
        {
            return;   // already said: the unknown key beside it was reported as its likely misspelling
        }

        _problems.Add(new ExperimentProblem(file, node is null ? 1 : (int)node.Start.Line, node is null ? 1 : (int)node.Start.Column, path, message));
    }

    /// <summary>Known keys an unknown key was suggested for: their absence is that key's misspelling, not a second problem.</summary>
    private readonly HashSet<string> _misspelt = new(StringComparer.Ordinal);

    /// <summary>
    /// True when the known key at <paramref name="path"/>, or a section above it, is missing because an unknown key beside
    /// it was reported as its misspelling (a sweep over <c>serving.x</c> with <c>serving</c> misspelt leaves a section
    /// holding x alone, whose other keys are then absent for the same reason).
    /// </summary>
    public bool WasMisspelt(string path)
    {
        for (int end = path.Length; end > 0; end = path.LastIndexOf('.', end - 1))
        {
            if (_misspelt.Contains(path[..end]))
            {
                return true;
            }
        }

        return within?.WasMisspelt(path) ?? false;   // a sweep point's reader knows the file's misspellings
    }

    /// <summary>Records, for the schema, that the number at <paramref name="path"/> may also be the word <paramref name="word"/>.</summary>
    public void OrWord(string path, string word) => recorder?.OrWord(path, word);

    /// <summary>Records, for the schema, that the mapping at <paramref name="path"/> may also be a plain number.</summary>
    public void AlsoNumber(string path) => recorder?.AlsoNumber(path);

    /// <summary>The mapping at <paramref name="path"/>, with unknown keys reported (with the closest known key).</summary>
    public YamlMappingNode? Mapping(YamlNode? node, string path, params string[] knownKeys)
    {
        recorder?.Mapping(path, knownKeys);
        if (node is null)
        {
            return null;
        }

        if (node is not YamlMappingNode mapping)
        {
            Problem(node, path, "expected a mapping (key: value lines)");
            return null;
        }

        foreach (var key in mapping.Children.Keys)
        {
            if (key is not YamlScalarNode scalarKey)
            {
                Problem(key, path.Length == 0 ? "(root)" : path, "a key must be a plain name, not a list or a mapping");
                continue;
            }

            string name = scalarKey.Value ?? string.Empty;
            if (!knownKeys.Contains(name))
            {
                Problem(key, Join(path, name), $"unknown key '{name}'{ClosestName.Hint(name, knownKeys)}; expected one of: {string.Join(", ", knownKeys)}");
                if (ClosestName.Find(name, knownKeys) is { } meant && !mapping.Children.ContainsKey(new YamlScalarNode(meant)))
                {
                    _misspelt.Add(Join(path, meant));
                }
            }
        }

        return mapping;
    }

    /// <summary>
    /// The entries of the mapping under <paramref name="key"/> that the user names (pools, jobs, candidates): each name
    /// with its node; a value that is not a mapping, or a name that is not plain text, is a problem.
    /// </summary>
    public IEnumerable<(string Name, YamlNode Value)> NamedEntries(YamlMappingNode parent, string key, string parentPath)
    {
        YamlNode? node = Child(parent, key);
        if (node is null)
        {
            yield break;
        }

        if (node is not YamlMappingNode mapping)
        {
            Problem(node, $"{parentPath}.{key}", "expected a mapping of names to entries (name: { ... })");
            yield break;
        }

        foreach (var (name, value) in mapping.Children)
        {
            if (name is not YamlScalarNode { Value: { Length: > 0 } text })
            {
                Problem(name, $"{parentPath}.{key}", "each entry needs a plain name (name: { ... })");
                continue;
            }

            yield return (text, value);
        }
    }

    public static YamlNode? Child(YamlMappingNode? mapping, string key) =>
        mapping is not null && mapping.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public string? Text(YamlMappingNode? mapping, string key, string path, string? fallback = null, bool required = false)
    {
        recorder?.Field(Join(path, key), fallback is null ? new() { ["type"] = "string" } : new() { ["type"] = "string", ["default"] = fallback });
        YamlNode? node = Child(mapping, key);
        if (node is null)
        {
            if (required)
            {
                Problem(mapping, Join(path, key), "is required");
            }

            return fallback;
        }

        if (node is YamlScalarNode scalar)
        {
            if (string.IsNullOrEmpty(scalar.Value))
            {
                // `key:` with nothing after it: a required value is missing; an optional one takes its default.
                if (required)
                {
                    Problem(node, Join(path, key), "is empty; expected a value");
                }

                return fallback;
            }

            return scalar.Value;
        }

        Problem(node, Join(path, key), "expected a single value");
        return fallback;
    }

    public double Number(YamlMappingNode? mapping, string key, string path, double fallback, double min = double.MinValue, double max = double.MaxValue, bool exclusiveMin = false)
    {
        max = Math.Min(max, LongestDuration(key));
        if (recorder is not null)
        {
            var schema = new System.Text.Json.Nodes.JsonObject { ["type"] = "number" };
            if (double.IsFinite(fallback))
            {
                schema["default"] = fallback;
            }

            if (min > double.MinValue)
            {
                schema[exclusiveMin ? "exclusiveMinimum" : "minimum"] = min;
            }

            if (max < double.MaxValue)
            {
                schema["maximum"] = max;
            }

            recorder.Field(Join(path, key), schema);
        }

        YamlNode? node = Child(mapping, key);
        if (node is null)
        {
            return fallback;
        }

        string? text = (node as YamlScalarNode)?.Value;
        if (double.IsPositiveInfinity(fallback) && text is ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF")
        {
            return fallback;   // YAML's infinity, where a field's default is none (no horizon, no timeout): as the resolved file writes it
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
        {
            Problem(node, Join(path, key), $"expected a number, got '{text}'");
            return fallback;
        }

        if (Math.Abs(value) > LargestMagnitude)
        {
            Problem(node, Join(path, key), $"{text} is too large; numbers in an experiment are at most 1e18 in magnitude");
            return fallback;
        }

        if (value < min || (exclusiveMin && value <= min) || value > max)
        {
            // An open end where the bound itself is refused: "in (0, 1]" for a share above 0, "> 0" without a maximum.
            string range = max == double.MaxValue ? $"{(exclusiveMin ? ">" : ">=")} {min.ToString(CultureInfo.InvariantCulture)}" : $"in {(exclusiveMin ? "(" : "[")}{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}]";
            Problem(node, Join(path, key), $"{text} is out of range; expected a number {range}");
            return fallback;
        }

        return value;
    }

    /// <summary>The largest magnitude any number in an experiment may have, so products of a few of them (a price by hours by accelerators) stay finite.</summary>
    public const double LargestMagnitude = 1e18;

    /// <summary>
    /// The largest value a duration key may take, by its unit suffix: 100 years (the longest run simulated, well inside the
    /// clock's 292 years of nanoseconds), so no duration, however it is combined, runs the clock past its end. Other keys: no limit.
    /// </summary>
    public static double LongestDuration(string key)
    {
        const double Seconds = 100 * 365.25 * 86_400;
        return key switch
        {
            _ when key.EndsWith("_gb_s", StringComparison.Ordinal) || key == "zipf_s" => double.MaxValue,   // a bandwidth, an exponent
            _ when key.EndsWith("_us", StringComparison.Ordinal) => Seconds * 1e6,
            _ when key.EndsWith("_ms", StringComparison.Ordinal) => Seconds * 1e3,
            _ when key.EndsWith("_s", StringComparison.Ordinal) => Seconds,
            _ when key.EndsWith("_h", StringComparison.Ordinal) => Seconds / 3600,
            _ when key == "days" || key.EndsWith("_days", StringComparison.Ordinal) => Seconds / 86_400,
            _ => double.MaxValue,
        };
    }

    public int Integer(YamlMappingNode? mapping, string key, string path, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        recorder?.Field(Join(path, key), new() { ["type"] = "integer", ["default"] = fallback, ["minimum"] = min, ["maximum"] = max });
        double value = Number(mapping, key, path, fallback, min, max);
        if (value != Math.Floor(value))
        {
            Problem(Child(mapping, key), Join(path, key), $"expected a whole number, got {value.ToString(CultureInfo.InvariantCulture)}");
            return fallback;
        }

        return (int)value;
    }

    public bool Flag(YamlMappingNode? mapping, string key, string path, bool fallback)
    {
        recorder?.Field(Join(path, key), new() { ["type"] = "boolean", ["default"] = fallback });
        string? text = Text(mapping, key, path);
        return text switch
        {
            null => fallback,
            "true" or "yes" => true,
            "false" or "no" => false,
            _ => Fail(),
        };

        bool Fail()
        {
            Problem(Child(mapping, key), Join(path, key), $"expected true or false, got '{text}'");
            return fallback;
        }
    }

    /// <summary>One of a fixed set of names (case-insensitive, '-' or '_' ignored), with a suggestion when misspelt.</summary>
    public T Choice<T>(YamlMappingNode? mapping, string key, string path, T fallback, IReadOnlyDictionary<string, T> choices)
    {
        recorder?.Field(Join(path, key), new() { ["type"] = "string", ["enum"] = new System.Text.Json.Nodes.JsonArray(choices.Keys.Select(k => (System.Text.Json.Nodes.JsonNode?)k).ToArray()) });
        string? text = Text(mapping, key, path);
        if (text is null)
        {
            return fallback;
        }

        string wanted = ChoiceName(text);
        foreach ((string name, T value) in choices)
        {
            if (ChoiceName(name) == wanted)
            {
                return value;
            }
        }

        Problem(Child(mapping, key), Join(path, key), $"unknown value '{text}'{ClosestName.Hint(text, choices.Keys)}; expected one of: {string.Join(", ", choices.Keys)}");
        return fallback;
    }

    /// <summary>A choice's name as compared: lower case, '_' read as '-' (on both sides, so a key spelt either way matches both).</summary>
    private static string ChoiceName(string name) => name.ToLowerInvariant().Replace('_', '-');

    public static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";
}
