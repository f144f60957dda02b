using ClusterSim.Experiments.Capacity;

namespace ClusterSim.Experiments.Tests.Capacity;

/// <summary>
/// `clustersim capacity` without --tp: on each accelerator the cheapest tensor-parallel size per token, searched from the
/// least that holds the model by doubling within its scale-up domain, said in a note.
/// </summary>
public class CapacitySizeTests
{
    [Fact]
    public void Without_a_size_each_accelerator_takes_the_least_that_holds_the_model_and_says_why()
    {
        // DeepSeek-R1 in FP8 (671 GB): eight H200 (141 GB each), sixteen H100 over two nodes; Llama 3.1 8B fits one H100.
        var query = new CapacityQuery { Model = "deepseek-v3", Hardware = ["H200", "H100"], Weights = "fp8", Requests = 200 };
        IReadOnlyList<CapacityRow> rows = CapacitySurvey.Run(query, 1);
        CapacityRow h200 = Assert.Single(rows, r => r.Hardware == "H200");
        CapacityRow h100 = Assert.Single(rows, r => r.Hardware == "H100-SXM");
        Assert.Equal((8, 16), (h200.Accelerators, h100.Accelerators));
        Assert.StartsWith("--tp 8, the least of 1, 2, 4, 8, 16, 32, 64 the deployment takes (--tp not given; at 1: deepseek-v3 does not fit", h200.SizeChosen, StringComparison.Ordinal);
        Assert.Contains(h100.Warnings, w => w.StartsWith("H100-SXM: tensor_parallel 16 spans 2 scale-up domains of 8", StringComparison.Ordinal));

        CapacityRow small = Assert.Single(CapacitySurvey.Run(new CapacityQuery { Model = "llama-3.1-8b", Hardware = ["H100"], Requests = 200 }, 1));
        Assert.Equal(1, small.Accelerators);
        Assert.Null(small.SizeChosen);   // one accelerator, and two did no better
    }

    [Fact]
    public void Without_a_size_each_accelerator_takes_the_cheapest_per_token_of_the_sizes_that_hold_the_model()
    {
        // Llama 3.1 70B in FP8 fits one H100 (80 GB), but leaves its KV cache a few thousand tokens: a replica of one holds
        // a couple of 2,500-token requests, so more accelerators serve a token far cheaper. The search keeps the cheapest of
        // the sizes it tried, each of which the note prices, and each is what --tp at that size measures.
        var query = new CapacityQuery { Model = "llama-3.1-70b", Hardware = ["H100"], Weights = "fp8", PromptTokens = 2000, OutputTokens = 500, Requests = 300 };
        CapacityRow chosen = Assert.Single(CapacitySurvey.Run(query, 1));
        Assert.InRange(chosen.Accelerators, 2, 8);
        Assert.Matches(@"^--tp \d, the cheapest per million output tokens of the sizes tried \(1: \$[\d.]+, 2: \$[\d.]+, 4: \$[\d.]+", chosen.SizeChosen);
        CapacityRow one = Assert.Single(CapacitySurvey.Run(query with { TensorParallel = 1 }, 1));
        CapacityRow same = Assert.Single(CapacitySurvey.Run(query with { TensorParallel = chosen.Accelerators }, 1));
        Assert.True(chosen.UsdPerMillionTokens < one.UsdPerMillionTokens / 5, $"{chosen.UsdPerMillionTokens} against {one.UsdPerMillionTokens} at TP 1");
        Assert.Equal(same.UsdPerMillionTokens, chosen.UsdPerMillionTokens);
        Assert.Null(same.SizeChosen);
        foreach (int size in new[] { 1, 2, 4, 8 }.Where(n => n != chosen.Accelerators && chosen.SizeChosen!.Contains($"{n}: $", StringComparison.Ordinal)))
        {
            Assert.True(Assert.Single(CapacitySurvey.Run(query with { TensorParallel = size }, 1)).UsdPerMillionTokens >= chosen.UsdPerMillionTokens, $"TP {size}");
        }
    }

    [Fact]
    public void A_size_given_is_kept_and_one_that_does_not_fit_is_refused_at_its_option()
    {
        CapacityRow refused = Assert.Single(CapacitySurvey.Run(new CapacityQuery { Model = "deepseek-v3", Hardware = ["H200"], Weights = "fp8", TensorParallel = 4, Requests = 200 }, 1));
        Assert.True(refused.BadInput);
        Assert.Contains("does not fit", refused.Refused, StringComparison.Ordinal);
        Assert.Contains("(--tp)", refused.Refused, StringComparison.Ordinal);
    }

    [Fact]
    public void An_SLO_no_size_meets_is_said_with_every_size_tried()
    {
        CapacityRow refused = Assert.Single(CapacitySurvey.Run(new CapacityQuery { Model = "llama-3.1-70b", Hardware = ["H100"], Weights = "fp8", TtftSeconds = 0.001, Requests = 200 }, 1));
        Assert.False(refused.BadInput);
        Assert.Contains("cannot serve 95 % of requests within the SLO", refused.Refused, StringComparison.Ordinal);
        Assert.EndsWith("; every size tried (1, 2, 4, 8) misses it", refused.Refused, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_no_size_holds_is_refused_with_why_not_one_and_why_not_the_largest()
    {
        // Llama 3.1 405B in FP8 on L4: one card holds 18 GB of it, and a group wide enough to hold it all spans L4 servers
        // over a network the catalog does not give.
        CapacityRow refused = Assert.Single(CapacitySurvey.Run(new CapacityQuery { Model = "llama-3.1-405b", Hardware = ["L4"], Weights = "fp8", Requests = 200 }, 1));
        Assert.True(refused.BadInput);
        Assert.Contains("does not fit", refused.Refused, StringComparison.Ordinal);
        Assert.Contains("--tp 64 spans 8 of L4's scale-up domains of 8", refused.Refused, StringComparison.Ordinal);

        // A mistake every size shares is said once.
        CapacityRow mistake = Assert.Single(CapacitySurvey.Run(new CapacityQuery { Model = "llama-3.1-8b", Hardware = ["H100"], Weights = "fp9", Requests = 200 }, 1));
        Assert.Equal(2, mistake.Refused!.Split("unknown value 'fp9'").Length);
    }
}
