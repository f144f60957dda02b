using ClusterSim.Experiments.Files;

namespace ClusterSim.Experiments.Tests.Files;

/// <summary>GB200 has no price in the catalog: wherever a cost is reported, the experiment must give one.</summary>
public class MissingPriceTests
{
    private const string Training = """
        name: t
        training:
          model: llama-3.1-8b
          hardware: GB200
          tokens: 1e9
          global_batch_tokens: 1048576
          sequence_length: 8192
          parallelism: { tensor: 8, data: 1 }
        """;

    private const string Fleet = """
        name: f
        serving: { model: llama-3.1-8b, hardware: GB200, weights: fp8, kv_cache: fp8 }
        workload: { requests: 200 }
        lifecycle:
          demand: { output_tokens_per_day: 1e9 }
        """;

    private const string TestTime = """
        name: tt
        serving: { model: llama-3.1-8b, hardware: GB200, weights: fp8, kv_cache: fp8 }
        workload: { arrival: { rate: 1 }, requests: 200 }
        test_time: { policy: best-of-n, samples: 4 }
        """;

    private static ExperimentProblem Problem(string yaml, string path) =>
        Assert.Single(Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(yaml, "p.yaml")).Problems, p => p.Path == path);

    [Theory]
    [InlineData(Training, "training.price_per_hour")]
    [InlineData(Fleet, "lifecycle.price.per_hour")]
    [InlineData(TestTime, "test_time.price_per_hour")]
    public void A_cost_on_hardware_without_a_catalog_price_needs_the_experiments_own(string yaml, string path) =>
        Assert.Contains("GB200 has no price in the catalog", Problem(yaml, path).Message, StringComparison.Ordinal);

    [Fact]
    public void A_price_given_in_the_experiment_is_enough()
    {
        Assert.Equal(3.0, ExperimentLoader.Parse(Training.Replace("tokens: 1e9", "tokens: 1e9\n  price_per_hour: 3", StringComparison.Ordinal), "p.yaml").Points[0].Training!.EffectivePricePerHour);
        Assert.NotNull(ExperimentLoader.Parse(Fleet + "\n  price: { per_hour: 4 }\n", "p.yaml").Points[0].Lifecycle);
        Assert.NotNull(ExperimentLoader.Parse(Fleet + "\n  capex: { purchase_usd: 60000 }\n", "p.yaml").Points[0].Lifecycle);
        Assert.Equal(5.0, ExperimentLoader.Parse(TestTime.Replace("samples: 4 }", "samples: 4, price_per_hour: 5 }", StringComparison.Ordinal), "p.yaml").Points[0].Serving!.TestTime!.PricePerHour);
    }
}
