using ClusterSim.Experiments.Files;

namespace ClusterSim.Experiments.Tests.Files;

public class PointDescriptionTests
{
    [Fact]
    public void A_point_says_what_it_ran_in_when_the_hardware_lacks_the_requested_precision()
    {
        const string Yaml = """
            name: d
            serving: { model: llama-3.1-8b, hardware: A100-80GB, weights: fp8, kv_cache: fp8 }
            workload: { arrival: { kind: poisson, rate: 1 }, prompt_tokens: { kind: fixed, mean: 100 }, output_tokens: { kind: fixed, mean: 10 }, requests: 10 }
            """;
        var description = ExperimentLoader.Parse(Yaml, "d.yaml").Points[0].Describe().ToDictionary(d => d.Name, d => d.Value);
        Assert.Equal("A100-80GB", description["hardware"]);
        Assert.Equal("fp8", description["weights"]);
        Assert.Equal("bf16", description["compute_precision"]);
        Assert.Equal("1.5", description["price_per_hour"]);
        Assert.False(string.IsNullOrEmpty(description["calibration"]));
    }
}
