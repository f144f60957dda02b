using ClusterSim.Experiments.Capacity;

namespace ClusterSim.Experiments.Tests.Capacity;

/// <summary>
/// `clustersim capacity` without --tp: on each accelerator the least tensor-parallel size that holds the model, said in
/// a note; a model that fits one accelerator is measured on one, as before.
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
        Assert.Null(small.SizeChosen);
    }

    [Fact]
    public void A_size_given_is_kept_and_one_that_does_not_fit_is_refused_at_its_option()
    {
        CapacityRow refused = Assert.Single(CapacitySurvey.Run(new CapacityQuery { Model = "deepseek-v3", Hardware = ["H200"], Weights = "fp8", TensorParallel = 4, Requests = 200 }, 1));
        Assert.True(refused.BadInput);
        Assert.Contains("does not fit", refused.Refused, StringComparison.Ordinal);
        Assert.Contains("(--tp)", refused.Refused, StringComparison.Ordinal);
    }
}
