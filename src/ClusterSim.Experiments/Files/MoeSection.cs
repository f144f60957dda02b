using System.Globalization;
using ClusterSim.Core.Catalog;
using ClusterSim.Core.Moe;
using YamlDotNet.RepresentationModel;
using static ClusterSim.Experiments.Files.ResolvedSections;

namespace ClusterSim.Experiments.Files;

/// <summary>Reads <c>serving.moe:</c>, the expert popularity and placement of a mixture-of-experts replica.</summary>
internal static class MoeSection
{
    private static readonly Dictionary<string, ExpertPopularity> Popularities = new()
    {
        ["uniform"] = ExpertPopularity.Uniform,
        ["zipf"] = ExpertPopularity.Zipf,
        ["dirichlet"] = ExpertPopularity.Dirichlet,
    };

    private static readonly Dictionary<string, ExpertDispatch> Dispatches = new()
    {
        ["all-to-all"] = ExpertDispatch.AllToAll,
        ["all-reduce"] = ExpertDispatch.AllReduce,
    };

    public static MoeRoutingOptions? Read(YamlReader r, YamlMappingNode? serving, ModelSpec model, string path = "serving.moe")
    {
        YamlMappingNode? node = r.Mapping(YamlReader.Child(serving, "moe"), path, "popularity", "zipf_s", "dirichlet_alpha", "expert_parallel", "dispatch", "capacity_factor", "replicated_hot");
        if (node is null)
        {
            return null;
        }

        if (!model.IsMoE)
        {
            r.Problem(node, path, $"'{model.Id}' is a dense model; moe settings need a mixture-of-experts model (e.g. mixtral-8x7b, deepseek-v3)");
            return null;
        }

        var options = new MoeRoutingOptions
        {
            Popularity = r.Choice(node, "popularity", path, ExpertPopularity.Uniform, Popularities),
            ZipfExponent = r.Number(node, "zipf_s", path, 1, 0, 10),
            DirichletConcentration = r.Number(node, "dirichlet_alpha", path, 1, 0, exclusiveMin: true),
            ExpertParallel = r.Integer(node, "expert_parallel", path, 0, 0, 4096),
            Dispatch = r.Choice(node, "dispatch", path, ExpertDispatch.AllToAll, Dispatches),
            CapacityFactor = r.Number(node, "capacity_factor", path, 0, 0, 100),
            ReplicatedHotExperts = r.Integer(node, "replicated_hot", path, 0, 0, 4096),
        };
        if (options.ExpertParallel > model.Experts || options.ReplicatedHotExperts > model.Experts)
        {
            r.Problem(node, path, $"expert_parallel and replicated_hot cannot exceed the model's {model.Experts} experts");
        }

        return options;
    }

    public static string Resolved(MoeRoutingOptions o)
    {
        return "  moe: " + Inline(o) + "\n";
    }

    public static string Inline(MoeRoutingOptions o)
    {
        return $"{{ popularity: {Popularities.First(p => p.Value == o.Popularity).Key}, zipf_s: {F(o.ZipfExponent)}, dirichlet_alpha: {F(o.DirichletConcentration)}, " +
            $"expert_parallel: {o.ExpertParallel}, dispatch: {Dispatches.First(d => d.Value == o.Dispatch).Key}, capacity_factor: {F(o.CapacityFactor)}, replicated_hot: {o.ReplicatedHotExperts} }}";
    }
}
