using ClusterSim.Experiments.Capacity;

namespace ClusterSim.Experiments.Tests.Capacity;

/// <summary>`clustersim capacity --disaggregate auto:N`: every split of a unit of N replicas measured, the cheapest per token kept and each priced in a note.</summary>
public class CapacitySplitTests
{
    private static readonly CapacityQuery Long = new()
    {
        Model = "llama-3.1-8b", Hardware = ["H100"], Weights = "fp8", TensorParallel = 1, PromptTokens = 3000, OutputTokens = 200, TpotSeconds = 0.03, Requests = 300,
    };

    [Fact]
    public void The_split_kept_is_the_cheapest_of_those_tried_and_each_is_what_that_split_measures_alone()
    {
        CapacityRow chosen = Assert.Single(CapacitySurvey.Run(Long with { DisaggregateUnit = 4 }, 1));
        Assert.Matches(@"^\d:\d, the cheapest per million output tokens of the splits of 4 replicas tried \(1:3: \$[\d.]+, 2:2: \$[\d.]+, 3:1: \$[\d.]+\)$", chosen.SplitChosen);

        CapacityRow[] each = [.. new[] { (1, 3), (2, 2), (3, 1) }.Select(s => Assert.Single(CapacitySurvey.Run(Long with { Disaggregate = s }, 1)))];
        Assert.All(each, r => Assert.True(r.UsdPerMillionTokens >= chosen.UsdPerMillionTokens, $"{r.Unit}: {r.UsdPerMillionTokens} against {chosen.UsdPerMillionTokens}"));
        CapacityRow same = Assert.Single(each, r => r.Unit == chosen.Unit);
        Assert.Equal(same.UsdPerMillionTokens, chosen.UsdPerMillionTokens);
        Assert.Null(same.SplitChosen);
        Assert.Equal(4, chosen.Accelerators);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(CapacityQuery.LargestSearchedUnit + 1)]
    public void A_unit_too_small_or_too_large_to_search_is_refused(int replicas)
    {
        var e = Assert.Throws<ArgumentException>(() => CapacitySurvey.Run(Long with { DisaggregateUnit = replicas }, 1));
        Assert.StartsWith("--disaggregate: auto:N searches the splits of a unit of N replicas", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_split_and_a_searched_unit_together_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => CapacitySurvey.Run(Long with { DisaggregateUnit = 4, Disaggregate = (1, 1) }, 1));
        Assert.Contains("not both", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_mistake_in_the_options_is_said_once_not_per_split()
    {
        CapacityRow refused = Assert.Single(CapacitySurvey.Run(Long with { DisaggregateUnit = 4, DecodeHardware = "H900" }, 1));
        Assert.True(refused.BadInput);
        Assert.StartsWith("--decode-hardware: unknown hardware 'H900'", refused.Refused, StringComparison.Ordinal);
    }
}
