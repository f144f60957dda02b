using ClusterSim.Experiments.Files;

namespace ClusterSim.Experiments.Tests.Files;

public class ServingExtensionsTests
{
    private const string Base = """
        name: x
        serving:
          model: mixtral-8x7b
          hardware: H100-SXM
          tensor_parallel: 2
          weights: fp8
          moe: { popularity: zipf, zipf_s: 1.2, capacity_factor: 1.25 }
        workload:
          arrival: { kind: poisson, rate: 2 }
        """;

    [Fact]
    public void Moe_settings_load_and_appear_in_the_resolved_experiment()
    {
        Experiment experiment = ExperimentLoader.Parse(Base, "x.yaml");
        var routing = experiment.Points[0].Serving!.Replicas[0].Deployment.MoeRouting!;
        Assert.Equal(1.2, routing.ZipfExponent);
        Assert.Contains("moe: { popularity: zipf, zipf_s: 1.2", experiment.ResolvedText, StringComparison.Ordinal);
        Assert.Equal(ClusterSim.Core.Moe.ExpertDispatch.AllToAll, routing.Dispatch);
        Assert.Contains("dispatch: all-to-all", experiment.ResolvedText, StringComparison.Ordinal);

        string reduced = Base.Replace("capacity_factor: 1.25 }", "capacity_factor: 1.25, expert_parallel: 2, dispatch: all-reduce }");
        Experiment viaAllReduce = ExperimentLoader.Parse(reduced, "x.yaml");
        Assert.Equal(ClusterSim.Core.Moe.ExpertDispatch.AllReduce, viaAllReduce.Points[0].Serving!.Replicas[0].Deployment.MoeRouting!.Dispatch);
        Assert.Contains("expert_parallel: 2, dispatch: all-reduce", viaAllReduce.ResolvedText, StringComparison.Ordinal);
    }

    [Fact]
    public void Closed_loops_take_exponential_think_times_and_a_ramp()
    {
        string yaml = Base.Replace("arrival: { kind: poisson, rate: 2 }", "arrival: { kind: closed-loop, concurrency: 8, think_s: 0.5, think: exponential, ramp_s: 9 }");
        ArrivalSpec arrival = ExperimentLoader.Parse(yaml, "x.yaml").Points[0].Serving!.Arrival;
        Assert.Equal(ClusterSim.Core.Inference.Workload.ThinkTime.Exponential, arrival.Think);
        Assert.Equal(9, arrival.RampSeconds);

        var e = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(yaml.Replace("think: exponential", "think: exponentail").Replace("ramp_s: 9", "ramp_s: -1"), "x.yaml"));
        Assert.Contains(e.Problems, p => p.Path == "workload.arrival.think" && p.Message.Contains("exponential", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.Path == "workload.arrival.ramp_s");
    }

    [Fact]
    public void Answers_stopped_at_EOS_are_a_length_kind_capped_at_the_tokens_asked_and_written_back()
    {
        string yaml = Base + "\n  output_tokens: { kind: eos, mean: 100, max: 128 }\n";
        Experiment experiment = ExperimentLoader.Parse(yaml, "x.yaml");
        LengthSpec output = experiment.Points[0].Serving!.Output;
        Assert.Equal(("eos", 128), (output.Kind, output.Longest));
        Assert.Equal(100, output.Build().Mean, 1e-6);
        Assert.Contains("output_tokens: { kind: eos, mean: 100,", experiment.ResolvedText, StringComparison.Ordinal);
        Assert.Equal(output, ExperimentLoader.Parse(experiment.ResolvedText, "x.yaml").Points[0].Serving!.Output);

        // The cap is the point of the kind: without it, or below the mean, the file is refused at the line.
        var missing = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(Base + "\n  output_tokens: { kind: eos, mean: 100 }\n", "x.yaml"));
        Assert.Contains(missing.Problems, p => p.Path == "workload.output_tokens.max" && p.Message.Contains("the tokens each request asks for", StringComparison.Ordinal) && p.Line == 10);
        var below = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(Base + "\n  output_tokens: { kind: eos, mean: 200, max: 128 }\n", "x.yaml"));
        Assert.Contains(below.Problems, p => p.Path == "workload.output_tokens.mean" && p.Message.Contains("at most the 128 tokens asked for", StringComparison.Ordinal));
    }

    [Fact]
    public void Moe_settings_on_a_dense_model_are_an_error()
    {
        var e = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(Base.Replace("mixtral-8x7b", "llama-3.1-8b"), "x.yaml"));
        Assert.Contains(e.Problems, p => p.Path == "serving.moe" && p.Message.Contains("dense model", StringComparison.Ordinal));
    }

    [Fact]
    public void A_reasoning_policy_without_thinking_tokens_is_an_error_with_its_position()
    {
        string yaml = Base + "\ntest_time: { policy: reasoning }\n";
        var e = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(yaml, "x.yaml"));
        Assert.Contains(e.Problems, p => p.Path == "test_time" && p.Message.Contains("thinking_tokens", StringComparison.Ordinal) && p.Line == 10);
    }

    [Fact]
    public void A_misspelt_policy_suggests_the_right_one()
    {
        var e = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(Base + "\ntest_time: { policy: best-of-m }\n", "x.yaml"));
        Assert.Contains(e.Problems, p => p.Path == "test_time.policy" && p.Message.Contains("did you mean 'best-of-n'", StringComparison.Ordinal));
    }
}
