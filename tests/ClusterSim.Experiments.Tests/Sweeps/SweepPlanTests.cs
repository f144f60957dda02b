using System.Globalization;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Sweeps;

namespace ClusterSim.Experiments.Tests.Sweeps;

public class SweepPlanTests
{
    private static readonly SweepParameter Load = new("workload.arrival.load", null, 0.1, 0.9);
    private static readonly SweepParameter Batch = new("serving.scheduler.max_sequences", null, 8, 512, Log: true, Integer: true);

    private static double[] Values(IReadOnlyList<IReadOnlyList<KeyValuePair<string, string>>> points, int k) =>
        points.Select(p => double.Parse(p[k].Value, CultureInfo.InvariantCulture)).ToArray();

    [Fact]
    public void Latin_hypercube_puts_exactly_one_sample_in_each_stratum()
    {
        var points = SweepPlan.Expand([Load, Batch], SweepMode.LatinHypercube, 20, seed: 3);
        Assert.Equal(20, points.Count);
        int[] strata = Values(points, 0).Select(v => (int)((v - 0.1) / 0.8 * 20)).Order().ToArray();
        Assert.Equal(Enumerable.Range(0, 20), strata);
        int[] logStrata = Values(points, 1).Select(v => Math.Min(19, (int)(Math.Log(v / 8) / Math.Log(64) * 20))).Distinct().ToArray();
        Assert.True(logStrata.Length >= 17, "integer rounding may merge a few neighbouring strata, not more");
        Assert.All(Values(points, 1), v => Assert.Equal(Math.Round(v), v));
    }

    [Fact]
    public void Random_samples_stay_in_range_and_repeat_with_the_seed()
    {
        var a = SweepPlan.Expand([Load], SweepMode.Random, 50, seed: 9);
        var b = SweepPlan.Expand([Load], SweepMode.Random, 50, seed: 9);
        var c = SweepPlan.Expand([Load], SweepMode.Random, 50, seed: 10);
        Assert.All(Values(a, 0), v => Assert.InRange(v, 0.1, 0.9));
        Assert.Equal(Values(a, 0), Values(b, 0));
        Assert.NotEqual(Values(a, 0), Values(c, 0));
    }

    [Fact]
    public void A_sampled_sweep_loads_from_a_file_and_lists_categorical_choices()
    {
        string yaml = ExperimentLoaderTestsText.Replace("sweep:\n  parameters:\n    workload.arrival.rate: [10, 30]\n    serving.scheduler.kind: [continuous, static]",
            "sweep:\n  mode: lhs\n  samples: 6\n  parameters:\n    workload.arrival.rate: { min: 5, max: 40 }\n    serving.scheduler.kind: [continuous, static]");
        Experiment experiment = ExperimentLoader.Parse(yaml, "x.yaml");
        Assert.Equal(6, experiment.Points.Count);
        Assert.True(experiment.SampledSweep);
        Assert.All(experiment.Points, p => Assert.InRange(p.Serving!.Arrival.Rate!.Value, 5, 40));
        Assert.Contains("samples: 6", experiment.ResolvedText, StringComparison.Ordinal);
    }

    [Fact]
    public void A_range_in_a_grid_sweep_is_a_positioned_error()
    {
        string yaml = ExperimentLoaderTestsText.Replace("workload.arrival.rate: [10, 30]", "workload.arrival.rate: { min: 5, max: 40 }");
        var e = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(yaml, "x.yaml"));
        Assert.Contains(e.Problems, p => p.Path == "sweep.parameters.workload.arrival.rate" && p.Message.Contains("mode: random or lhs", StringComparison.Ordinal));
    }

    /// <summary>Qwen2.5 7B on an Orin Nano, whose engine's start-up memory grows with the batch limit past 4,096 sequences.</summary>
    private static ExperimentException OrinSweep(string scheduler, string parameters) => Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse($$"""
        name: sw
        serving:
          model: qwen2.5-7b
          hardware: Jetson-Orin-Nano-Super
          weights: int4
          kv_cache: int4
          {{scheduler}}
        workload:
          arrival: { rate: 1 }
          prompt_tokens: 128
          output_tokens: 64
          requests: 20
        sweep:
          parameters:
            {{parameters}}
        """, "sw.yaml"));

    [Fact]
    public void A_problem_only_some_points_have_names_the_point_and_its_values()
    {
        ExperimentException e = OrinSweep("engine: vllm", "serving.scheduler.max_sequences: [4, 64, 4096, 8192]");
        // Each refused point says which it is (their runtimes differ, so the messages do); the points that fit say nothing.
        Assert.Equal(
            ["serving (sweep point 2: serving.scheduler.max_sequences = 4096)", "serving (sweep point 3: serving.scheduler.max_sequences = 8192)"],
            e.Problems.Select(p => p.Path));
        Assert.All(e.Problems, problem =>
        {
            Assert.Equal(3, problem.Line);   // at the deployment, where the file says what does not fit
            Assert.Contains("the engine's runtime takes", problem.Message, StringComparison.Ordinal);
            Assert.Contains("lower the batch limits", problem.Message, StringComparison.Ordinal);
        });
    }

    [Theory]
    [InlineData("serving.scheduler.max_sequences: [4, 4096]\n    workload.requests: [10, 20]", "serving (sweep point 2: serving.scheduler.max_sequences = 4096, workload.requests = 10; 2 points in all)")]
    [InlineData("workload.requests: [10, 20]", "serving")]   // every point has it: the file's own problem, said once
    public void A_problem_several_points_share_is_said_once(string parameters, string path) =>
        Assert.Equal(path, Assert.Single(OrinSweep("scheduler: { max_sequences: 4096 }", parameters).Problems).Path);

    [Fact]
    public void A_sweep_of_one_point_names_it_where_its_drawn_value_is_refused()
    {
        // A split deployment of three replicas, two prefilling, swept over a replica count drawn once (found by the sweep
        // soak at seed 170): the file holds 3, the point 1, so the refusal says which point and value it is about.
        var e = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse("""
            name: sw
            serving:
              model: llama-3.1-8b
              hardware: H100
              replicas: 3
              disaggregation: { prefill_replicas: 2, kv_link_gb_s: 25 }
            workload:
              arrival: { rate: 1 }
              prompt_tokens: 128
              output_tokens: 64
              requests: 20
            sweep:
              mode: random
              samples: 1
              parameters:
                serving.replicas: { min: 1, max: 1, integer: true }
            """, "sw.yaml"));
        ExperimentProblem problem = Assert.Single(e.Problems);
        Assert.Equal("serving.disaggregation.prefill_replicas (sweep point 0: serving.replicas = 1)", problem.Path);
        Assert.Contains("leaves no decode replica of the 1", problem.Message, StringComparison.Ordinal);
    }

    private static string ExperimentLoaderTestsText => ClusterSim.Experiments.Tests.Files.ExperimentLoaderTests.Valid.ReplaceLineEndings("\n");
}
