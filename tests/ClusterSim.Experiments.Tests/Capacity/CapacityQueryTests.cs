using ClusterSim.Experiments.Capacity;
using ClusterSim.Experiments.Files;

namespace ClusterSim.Experiments.Tests.Capacity;

/// <summary>The capacity command's options as the experiment file they become, and as its title says them.</summary>
public class CapacityQueryTests
{
    private static readonly CapacityQuery Alike = new() { Model = "llama-3.1-8b", Hardware = ["H100"] };

    [Fact]
    public void A_unit_is_the_serving_sections_disaggregation_with_its_decode_replicas_in_the_same_format()
    {
        CapacityQuery unit = Alike with { Weights = "fp8", KvCache = "fp8", Disaggregate = (3, 5), DecodeHardware = "H200", DecodeTensorParallel = 2, KvLinkGBps = 25 };
        ServingPoint serving = ExperimentLoader.Parse(unit.Yaml("H100", 1), "capacity.yaml").Points[0].Serving!;

        Assert.Equal(3, serving.Disaggregation!.PrefillReplicas);
        Assert.Equal(25, serving.Disaggregation.KvLinkGBps);
        Assert.Equal([(3, "H100-SXM", 1), (5, "H200", 2)], serving.Replicas.Select(g => (g.Count, g.Deployment.Accelerator.Id, g.Deployment.Accelerators)));
        Assert.All(serving.Replicas, g => Assert.Equal(serving.Replicas[0].Deployment.Weights, g.Deployment.Weights));   // the decode replicas read the same checkpoint
        Assert.All(serving.Replicas, g => Assert.Equal(serving.Replicas[0].Deployment.KvCache, g.Deployment.KvCache));   // and receive the same KV cache

        // On the row's own accelerator and size, the split alone: one group whose first replicas prefill.
        ServingPoint same = ExperimentLoader.Parse((Alike with { Disaggregate = (1, 2) }).Yaml("H100", 2), "capacity.yaml").Points[0].Serving!;
        Assert.Equal((1, 3, 2), (same.Disaggregation!.PrefillReplicas, Assert.Single(same.Replicas).Count, same.Replicas[0].Deployment.Accelerators));
        Assert.DoesNotContain("disaggregation", Alike.Yaml("H100"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_conditional_unit_carries_its_rule_into_the_file_and_its_row_and_serves_more_of_a_prompt_heavy_load()
    {
        // 3,000-token prompts on 1 prefill + 3 decode H100: one prefill replica binds the unit; with Dynamo's rule the
        // decode replicas prefill the short prompts and the overflow, and the unit serves more at the same SLO.
        CapacityQuery split = Alike with { Weights = "fp8", TensorParallel = 1, PromptTokens = 3000, PromptMedian = 1500, OutputTokens = 200, Disaggregate = (1, 3), Requests = 600 };
        CapacityQuery conditional = split with { MaxLocalPrefill = 1000, MaxPrefillQueue = 2 };
        Core.Inference.Disaggregation rule = ExperimentLoader.Parse(conditional.Yaml("H100", 1), "capacity.yaml").Points[0].Serving!.Disaggregation!;
        Assert.Equal((1000, (int?)2), (rule.MaxLocalPrefillTokens, rule.MaxPrefillQueue));

        CapacityRow always = Assert.Single(CapacitySurvey.Run(split, 1)), dynamo = Assert.Single(CapacitySurvey.Run(conditional, 1));
        Assert.Equal("1 prefill + 3 decode", always.Unit);
        Assert.Equal("1 prefill + 3 decode, local ≤ 1000 tokens or ≥ 2 queued", dynamo.Unit);
        Assert.True(dynamo.RequestsPerSecond > 1.5 * always.RequestsPerSecond, $"{dynamo.RequestsPerSecond:0.0} against {always.RequestsPerSecond:0.0} req/s");
    }

    [Fact]
    public void A_conditional_unit_with_one_condition_says_only_that_one()
    {
        CapacityQuery split = Alike with { Weights = "fp8", TensorParallel = 1, PromptTokens = 3000, PromptMedian = 1500, OutputTokens = 200, Disaggregate = (1, 3), Requests = 200 };
        Assert.Equal("1 prefill + 3 decode, local when ≥ 2 queued", Assert.Single(CapacitySurvey.Run(split with { MaxPrefillQueue = 2 }, 1)).Unit);
        Assert.Equal("1 prefill + 3 decode, local ≤ 1000 tokens", Assert.Single(CapacitySurvey.Run(split with { MaxLocalPrefill = 1000 }, 1)).Unit);
    }

    [Fact]
    public void A_unit_on_an_accelerator_without_a_network_figure_is_refused_at_the_link_option()
    {
        CapacityRow refused = Assert.Single(CapacitySurvey.Run(Alike with { Disaggregate = (1, 1), DecodeHardware = "L40S", TensorParallel = 1, Requests = 100 }, 1));
        Assert.True(refused.BadInput);
        Assert.StartsWith("--kv-link: L40S has no scale-out bandwidth", refused.Refused, StringComparison.Ordinal);
        Assert.EndsWith("give --kv-link in GB/s", refused.Refused, StringComparison.Ordinal);
    }

    [Fact]
    public void Lengths_all_alike_are_plain_counts()
    {
        Assert.Equal("1024/256 tokens", Alike.LengthsSaid);
        Assert.Contains("  prompt_tokens: 1024\n", Alike.Yaml("H100").ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Equal(0, Alike.PromptCap);
    }

    [Fact]
    public void A_median_makes_lengths_log_normal_capped_at_eight_times_the_mean_unless_given()
    {
        CapacityQuery spread = Alike with { PromptMedian = 512, OutputMedian = 128, OutputMax = 1000 };

        Assert.Equal("prompts log-normal (mean 1024, median 512, at most 8,192), outputs log-normal (mean 256, median 128, at most 1,000) tokens", spread.LengthsSaid);
        Experiment experiment = ExperimentLoader.Parse(spread.Yaml("H100"), "capacity.yaml");
        ServingPoint serving = experiment.Points[0].Serving!;
        Assert.Equal(("lognormal", 1024.0, 512.0, 8192), (serving.Prompt.Kind, serving.Prompt.Mean, serving.Prompt.Median, serving.Prompt.Max));
        Assert.Equal(("lognormal", 256.0, 128.0, 1000), (serving.Output.Kind, serving.Output.Mean, serving.Output.Median, serving.Output.Max));
        LengthSpec alike = ExperimentLoader.Parse(Alike.Yaml("H100"), "capacity.yaml").Points[0].Serving!.Prompt;
        Assert.Equal(("fixed", 1024.0), (alike.Kind, alike.Mean));
    }

    [Fact]
    public void Answers_stopped_at_EOS_are_the_files_eos_kind_capped_at_the_tokens_asked()
    {
        CapacityQuery eos = Alike with { OutputStopsAtEos = true, OutputMax = 1024 };

        Assert.Equal("prompts 1024, outputs stopped at EOS (mean 256, at most 1,024) tokens", eos.LengthsSaid);
        LengthSpec output = ExperimentLoader.Parse(eos.Yaml("H100"), "capacity.yaml").Points[0].Serving!.Output;
        Assert.Equal(("eos", 256.0, 1024), (output.Kind, output.Mean, output.Max));

        // Without the cap the file's reader asks for it, and the error is said as the option that gives it.
        var e = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse((eos with { OutputMax = null }).Yaml("H100"), "capacity.yaml"));
        Assert.Contains(e.Problems, p => p.Path == "workload.output_tokens.max");
        Assert.Contains(CapacityQuery.Options, o => o.Path == "workload.output_tokens.max" && o.Option == "--output-max");
    }

    [Fact]
    public void An_attention_layout_is_the_serving_sections_and_a_wrong_one_is_refused_at_its_option()
    {
        CapacityQuery dp = new() { Model = "deepseek-v3", Hardware = ["H200"], TensorParallel = 8, Weights = "fp8", Attention = "data-parallel" };
        Experiment experiment = ExperimentLoader.Parse(dp.Yaml("H200"), "capacity.yaml");
        Assert.Equal(Core.Performance.AttentionLayout.DataParallel, experiment.Points[0].Serving!.Replicas[0].Deployment.Attention);
        Assert.DoesNotContain("attention:", Alike.Yaml("H100"), StringComparison.Ordinal);

        var e = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse((dp with { Attention = "dp" }).Yaml("H200"), "capacity.yaml"));
        Assert.Contains(e.Problems, p => p.Path == "serving.attention");
        Assert.Contains(CapacityQuery.Options, o => o.Path == "serving.attention" && o.Option == "--attention");
    }

    [Fact]
    public void Scheduler_steps_are_the_serving_sections_and_refused_at_their_option_on_another_engine()
    {
        CapacityQuery v0 = new() { Model = "llama-3.1-8b", Hardware = ["MI300X"], Weights = "fp8", EngineVersion = "0.6.4", MultiStep = 10 };
        Assert.Equal(10, ExperimentLoader.Parse(v0.Yaml("MI300X"), "capacity.yaml").Points[0].Serving!.Replicas[0].Deployment.MultiStep);
        Assert.DoesNotContain("multi_step", Alike.Yaml("H100"), StringComparison.Ordinal);

        var e = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse((v0 with { Engine = "sglang" }).Yaml("MI300X"), "capacity.yaml"));
        Assert.Contains(e.Problems, p => p.Path == "serving.multi_step");
        Assert.Contains(CapacityQuery.Options, o => o.Path == "serving.multi_step" && o.Option == "--multi-step");
    }

    [Fact]
    public void A_server_limit_is_the_serving_sections_and_its_advice_names_the_option()
    {
        CapacityQuery longer = new() { Model = "llama-2-7b", Hardware = ["H100"], PromptTokens = 4000, OutputTokens = 500, MaxModelLength = 8192 };
        Assert.Equal(8192, ExperimentLoader.Parse(longer.Yaml("H100"), "capacity.yaml").Points[0].Serving!.Replicas[0].Deployment.ContextLimit);
        Assert.DoesNotContain("max_model_len", Alike.Yaml("H100"), StringComparison.Ordinal);

        var e = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse((longer with { MaxModelLength = null }).Yaml("H100"), "capacity.yaml"));
        Assert.Contains(e.Problems, p => p.Path == "workload.prompt_tokens" && p.Message.Contains("serving.max_model_len", StringComparison.Ordinal));
        Assert.Contains(CapacityQuery.Options, o => o.Path == "serving.max_model_len" && o.Option == "--max-model-len");
    }

    [Fact]
    public void A_median_above_the_mean_is_refused_at_its_option()
    {
        CapacityQuery wrong = Alike with { OutputMedian = 300 };
        var e = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(wrong.Yaml("H100"), "capacity.yaml"));
        Assert.Contains(e.Problems, p => p.Path == "workload.output_tokens.median");
        Assert.Contains(CapacityQuery.Options, o => o.Path == "workload.output_tokens.median" && o.Option == "--output-median");
    }
}
