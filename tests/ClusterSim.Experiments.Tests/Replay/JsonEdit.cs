using System.Text.Json.Nodes;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>Edits a benchmark result's JSON in place, for the readers' damaged-field tests.</summary>
internal static class JsonEdit
{
    /// <summary>Sets the field at the dotted <paramref name="path"/> under <paramref name="root"/> to <paramref name="value"/> (JSON text), or removes it when null.</summary>
    public static void Set(JsonNode root, string path, string? value)
    {
        string[] parts = path.Split('.');
        JsonNode node = root;
        foreach (string part in parts[..^1])
        {
            node = node[part]!;
        }

        if (value is null)
        {
            node.AsObject().Remove(parts[^1]);
        }
        else
        {
            node[parts[^1]] = JsonNode.Parse(value);
        }
    }
}
