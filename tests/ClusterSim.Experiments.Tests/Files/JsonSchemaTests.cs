using System.Text.Json;
using ClusterSim.Experiments.Files;
using YamlDotNet.RepresentationModel;

namespace ClusterSim.Experiments.Tests.Files;

public class JsonSchemaTests
{
    private static readonly JsonElement Schema = JsonDocument.Parse(ExperimentLoader.JsonSchema()).RootElement;

    public static TheoryData<string> ShippedFiles() =>
        new(Directory.GetFiles(Path.Combine(ClusterSim.Tests.RepositoryRoot.Path, "experiments"), "*.yaml").Select(Path.GetFileName).Order()!);

    [Theory]
    [MemberData(nameof(ShippedFiles))]
    public void Every_key_and_swept_path_of_a_shipped_experiment_is_in_the_schema(string file)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(ClusterSim.Tests.RepositoryRoot.Path, "experiments", file))));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        foreach (string path in Paths(root, string.Empty))
        {
            Assert.True(Find(path) is not null, $"{file}: '{path}' is not in the schema");
        }
    }

    [Fact]
    public void The_schema_carries_types_bounds_defaults_and_choices()
    {
        JsonElement zero = Find("training.parallelism.zero_stage")!.Value;
        Assert.Equal("integer", zero.GetProperty("type").GetString());
        Assert.Equal(3, zero.GetProperty("maximum").GetInt32());
        Assert.Equal(1, zero.GetProperty("default").GetInt32());
        Assert.Contains("kv-aware", Find("serving.router")!.Value.GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.False(Schema.GetProperty("properties").GetProperty("serving").GetProperty("additionalProperties").GetBoolean());
        Assert.Equal(["object", "number"], Find("workload.prompt_tokens")!.Value.GetProperty("type").EnumerateArray().Select(t => t.GetString()));   // a length may be a plain count
    }

    [Fact]
    public void Every_field_has_a_description_type_and_the_entries_of_named_maps_too()
    {
        var undescribed = new List<string>();
        void Walk(JsonElement node, string path)
        {
            if (node.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            if (path.Length > 0 && node.TryGetProperty("type", out _) && !node.TryGetProperty("description", out _))
            {
                undescribed.Add(path);
            }

            foreach (JsonProperty p in node.EnumerateObject())
            {
                Walk(p.Value, p.Name is "properties" or "additionalProperties" or "items" ? path + (p.Name == "additionalProperties" ? ".*" : string.Empty) : $"{path}.{p.Name}");
            }
        }

        Walk(Schema, string.Empty);
        Assert.True(undescribed.Count == 0, "no description: " + string.Join(", ", undescribed));
        Assert.Equal("seconds a checkpoint write stalls training", Find("training.checkpoints.write_s")!.Value.GetProperty("description").GetString());
        Assert.Contains("scheduling decisions", Find("cluster.interval_s")!.Value.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Contains("between checkpoints", Find("training.checkpoints.interval_s")!.Value.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    private static IEnumerable<string> Paths(YamlMappingNode node, string prefix)
    {
        foreach (var (key, value) in node.Children)
        {
            string name = ((YamlScalarNode)key).Value!;
            string path = prefix.Length == 0 ? name : $"{prefix}.{name}";
            if (path == "sweep.parameters")
            {
                // Swept paths must name real fields too.
                foreach (var swept in ((YamlMappingNode)value).Children.Keys)
                {
                    yield return ((YamlScalarNode)swept).Value!;
                }

                continue;
            }

            if (path == "industry.output_tokens_per_day")
            {
                yield return path;
                continue;
            }

            if (value is YamlMappingNode child)
            {
                foreach (string nested in Paths(child, path))
                {
                    yield return nested;
                }
            }
            else
            {
                yield return path;
            }
        }
    }

    private static JsonElement? Find(string path)
    {
        JsonElement current = Schema;
        foreach (string part in path.Split('.'))
        {
            if (current.TryGetProperty("properties", out JsonElement properties) && properties.TryGetProperty(part, out JsonElement named))
            {
                current = named;
                continue;
            }

            // A map of user-named entries (cluster pools, jobs, deployments) gives every entry one schema.
            if (!current.TryGetProperty("additionalProperties", out current) || current.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
        }

        return current;
    }
}
