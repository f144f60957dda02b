using System.Globalization;
using System.Text;
using ClusterSim.Core.Inference.TestTime;
using YamlDotNet.RepresentationModel;
using static ClusterSim.Experiments.Files.ResolvedSections;

namespace ClusterSim.Experiments.Files;

/// <summary>Reads the <c>test_time:</c> section: the policy every request gets and the quality model that scores it.</summary>
internal static class TestTimeSection
{
    public static readonly Dictionary<string, TestTimePolicy> Policies = new()
    {
        ["single"] = TestTimePolicy.Single,
        ["best-of-n"] = TestTimePolicy.BestOfN,
        ["vote"] = TestTimePolicy.Vote,
        ["reasoning"] = TestTimePolicy.Reasoning,
        ["adaptive"] = TestTimePolicy.Adaptive,
    };

    private static readonly Dictionary<string, TestTimePolicy> Expensive = Policies.Where(p => p.Value is not (TestTimePolicy.Single or TestTimePolicy.Adaptive)).ToDictionary();

    /// <remarks>Without a catalog price for the serving hardware (<paramref name="catalogPrice"/> null) <c>price_per_hour</c> is required: a cost of $0 would be a silent wrong answer.</remarks>
    public static TestTimeOptions? Read(YamlReader r, YamlMappingNode root, double? catalogPrice, string hardware)
    {
        const string path = "test_time";
        YamlMappingNode? node = r.Mapping(YamlReader.Child(root, path), path, "policy", "samples", "thinking_tokens", "thinking_scale", "difficulty", "adaptive", "price_per_hour");
        if (node is null)
        {
            return null;
        }

        YamlMappingNode? difficulty = r.Mapping(YamlReader.Child(node, "difficulty"), "test_time.difficulty", "alpha", "beta");
        YamlMappingNode? adaptive = r.Mapping(YamlReader.Child(node, "adaptive"), "test_time.adaptive", "threshold", "policy");
        LengthSpec? thinking = YamlReader.Child(node, "thinking_tokens") is null ? null : ServingSection.ReadLengths(r, node, "thinking_tokens", 4000, "test_time");
        var options = new TestTimeOptions
        {
            Policy = r.Choice(node, "policy", path, TestTimePolicy.Single, Policies),
            Samples = r.Integer(node, "samples", path, 8, 1, 1024),
            ThinkingTokens = BuildOrNull(thinking),
            ThinkingScale = r.Number(node, "thinking_scale", path, 4000, 0, exclusiveMin: true),
            DifficultyAlpha = r.Number(difficulty, "alpha", "test_time.difficulty", 2, 0, exclusiveMin: true),
            DifficultyBeta = r.Number(difficulty, "beta", "test_time.difficulty", 2, 0, exclusiveMin: true),
            AdaptiveThreshold = r.Number(adaptive, "threshold", "test_time.adaptive", 0.6, 0, 1),
            AdaptivePolicy = r.Choice(adaptive, "policy", "test_time.adaptive", TestTimePolicy.Reasoning, Expensive),
            PricePerHour = r.Number(node, "price_per_hour", path, catalogPrice ?? 0, 0),
        };
        if (catalogPrice is null && YamlReader.Child(node, "price_per_hour") is null)
        {
            r.Problem(node, "test_time.price_per_hour", $"{hardware} has no price in the catalog; give price_per_hour (USD per accelerator-hour) for the cost per request");
        }

        try
        {
            return options.Validated();
        }
        catch (ArgumentException e)
        {
            r.Problem(node, path, e.Message);
            return null;
        }
    }

    public static string Resolved(TestTimeOptions o)
    {
        var t = new StringBuilder("test_time:\n");
        t.AppendLine(CultureInfo.InvariantCulture, $"  policy: {Policies.First(p => p.Value == o.Policy).Key}");
        t.AppendLine(CultureInfo.InvariantCulture, $"  samples: {o.Samples}");
        if (o.ThinkingTokens is { } thinking)
        {
            t.AppendLine(CultureInfo.InvariantCulture, $"  thinking_tokens: {{ mean: {F(thinking.Mean)}, max: {thinking.Max} }}");
        }

        t.AppendLine(CultureInfo.InvariantCulture, $"  thinking_scale: {F(o.ThinkingScale)}");
        t.AppendLine(CultureInfo.InvariantCulture, $"  difficulty: {{ alpha: {F(o.DifficultyAlpha)}, beta: {F(o.DifficultyBeta)} }}");
        t.AppendLine(CultureInfo.InvariantCulture, $"  adaptive: {{ threshold: {F(o.AdaptiveThreshold)}, policy: {Policies.First(p => p.Value == o.AdaptivePolicy).Key} }}");
        t.AppendLine(CultureInfo.InvariantCulture, $"  price_per_hour: {F(o.PricePerHour)}");
        return t.ToString();
    }

    /// <summary>The distribution, or null when its parameters are wrong (ReadLengths has already said where).</summary>
    private static ClusterSim.Core.Inference.Workload.TokenLengths? BuildOrNull(LengthSpec? spec)
    {
        try
        {
            return spec?.Build();
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
