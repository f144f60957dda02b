using System.Globalization;
using System.Text;
using ClusterSim.Core.Inference;
using YamlDotNet.RepresentationModel;

namespace ClusterSim.Experiments.Files;

/// <summary>
/// Binds <c>workload.classes</c>: named shares of the traffic, each with the priority its requests carry
/// and, optionally, the SLO its requests are held to (<c>interactive: { share: 0.3, priority: 0, slo: { ttft_s: 0.5 } }</c>),
/// and writes them back.
/// </summary>
internal static class ClassesSection
{
    private const string Path = "workload.classes";

    /// <summary>The classes under <paramref name="workload"/>, in the file's order; empty when there are none (problems go to the reader).</summary>
    public static IReadOnlyList<RequestClass> Read(YamlReader r, YamlMappingNode? workload)
    {
        var classes = new List<RequestClass>();
        if (workload is null || YamlReader.Child(workload, "classes") is not { } node)
        {
            return classes;
        }

        int problemsBefore = r.Problems.Count;
        foreach (var (name, value) in r.NamedEntries(workload, "classes", "workload"))
        {
            string path = $"{Path}.{name}";
            YamlMappingNode? entry = r.Mapping(value, path, "share", "priority", "slo");
            if (entry is null)
            {
                r.Problem(value, path, "expected { share: fraction of the requests, priority: integer (lower is served first) }");
                continue;
            }

            if (YamlReader.Child(entry, "share") is null)
            {
                r.Problem(entry, $"{path}.share", "is required: the fraction of requests in this class");
            }

            YamlMappingNode? slo = r.Mapping(YamlReader.Child(entry, "slo"), $"{path}.slo", "ttft_s", "tpot_s");
            classes.Add(new RequestClass(name, r.Number(entry, "share", path, 1, 0, 1, exclusiveMin: true), r.Integer(entry, "priority", path, 0, -1_000_000, 1_000_000))
            {
                Slo = slo is null ? null : new ServiceLevelObjective(r.Number(slo, "ttft_s", $"{path}.slo", 2, 0, exclusiveMin: true), r.Number(slo, "tpot_s", $"{path}.slo", 0.2, 0, exclusiveMin: true)),
            });
        }

        if (classes.Count == 0)
        {
            r.Problem(node, Path, "lists no class; give at least one, e.g. interactive: { share: 1, priority: 0 }");
        }
        else if (r.Problems.Count == problemsBefore && RequestClass.Problem(classes) is { } problem)   // a share already refused would miscount the sum
        {
            r.Problem(node, Path, problem);
        }

        return classes;
    }

    /// <summary>The classes as the resolved experiment writes them (nothing when there are none).</summary>
    public static string Resolved(IReadOnlyList<RequestClass> classes)
    {
        if (classes.Count == 0)
        {
            return string.Empty;
        }

        var text = new StringBuilder("  classes:\n");
        foreach (RequestClass c in classes)
        {
            string slo = c.Slo is { } s ? $", slo: {{ ttft_s: {ResolvedSections.F(s.TtftSeconds)}, tpot_s: {ResolvedSections.F(s.TpotSeconds)} }}" : string.Empty;
            text.AppendLine(CultureInfo.InvariantCulture, $"    {c.Name}: {{ share: {ResolvedSections.F(c.Share)}, priority: {c.Priority}{slo} }}");
        }

        return text.ToString();
    }
}
