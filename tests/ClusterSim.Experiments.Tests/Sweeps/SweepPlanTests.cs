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

    private static string ExperimentLoaderTestsText => ClusterSim.Experiments.Tests.Files.ExperimentLoaderTests.Valid.ReplaceLineEndings("\n");
}
