using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Running;
using ClusterSim.Experiments.Tests.Files;

namespace ClusterSim.Experiments.Tests.Running;

public class CellCapacityTests
{
    private static ServingPoint Serving(string slo) =>
        ExperimentLoader.Parse(ExperimentLoaderTests.Valid.Replace("sweep:", $"slo: {slo}\nsweep:", StringComparison.Ordinal), "exp.yaml").Points[0].Serving!;

    [Fact]
    public void A_looser_slo_admits_at_least_as_much_load_per_replica()
    {
        (double tight, _) = CellCapacity.Measure(Serving("{ ttft_s: 0.05, tpot_s: 0.01 }"), cellReplicas: 1, seed: 3);
        (double loose, _) = CellCapacity.Measure(Serving("{ ttft_s: 5, tpot_s: 0.5 }"), cellReplicas: 1, seed: 3);
        Assert.True(tight > 0);
        Assert.True(loose > 1.2 * tight, $"loose {loose}, tight {tight}");
    }

    [Fact]
    public void An_slo_no_load_can_meet_is_its_own_error_naming_the_bounds()
    {
        var e = Assert.Throws<UnmeetableSloException>(() => CellCapacity.Measure(Serving("{ ttft_s: 0.000001, tpot_s: 0.000001 }"), cellReplicas: 1, seed: 3));
        Assert.Contains("TTFT ≤ 1E-06 s", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Requests_nearly_all_longer_than_the_context_are_their_own_error_not_a_rate_of_NaN()
    {
        // OPT 6.7B's 2,048-token context against prompts of 3,667 tokens on average: 94 % are refused at once, the loop
        // that measures the saturation rate spends its requests on refusals before one finishes, and the bisection was
        // handed a rate of NaN ("rate must be positive, got NaN"; found by the capacity soak drawing OPT).
        string yaml = ExperimentLoaderTests.Valid
            .Replace("model: llama-3.1-8b", "model: opt-6.7b", StringComparison.Ordinal)
            .Replace("scheduler: { kind: chunked-prefill, max_sequences: 64 }", "scheduler: { kind: chunked-prefill, max_sequences: 256 }", StringComparison.Ordinal)
            .Replace("prompt_tokens: { kind: lognormal, mean: 300, median: 200, max: 2048 }", "prompt_tokens: { kind: lognormal, mean: 3667, median: 3295, max: 29336 }", StringComparison.Ordinal)
            .Replace("output_tokens: { kind: fixed, mean: 64 }", "output_tokens: { kind: lognormal, mean: 487, median: 425, max: 3896 }", StringComparison.Ordinal);
        ServingPoint serving = ExperimentLoader.Parse(yaml, "exp.yaml").Points[0].Serving!;
        var e = Assert.Throws<UnmeetableSloException>(() => CellCapacity.Measure(serving, cellReplicas: 1, seed: 3));
        Assert.Contains("longer than the server's context of 2,048 tokens", e.Message, StringComparison.Ordinal);
    }
}
