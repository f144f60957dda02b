using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Results;
using ClusterSim.Experiments.Running;
using ClusterSim.Experiments.Tests.Files;

namespace ClusterSim.Experiments.Tests.Studies;

/// <summary><c>warmup_s: auto</c>: MSER-5 on a first run's requests in the system picks the warm-up the figures leave out.</summary>
public class AutomaticWarmupTests
{
    private static string Yaml(string warmup) => ExperimentLoaderTests.Valid
        .Replace("requests: 400", $"requests: 3000\n  warmup_s: {warmup}", StringComparison.Ordinal)
        .Replace("serving.scheduler.kind: [continuous, static]", "serving.scheduler.kind: [continuous]", StringComparison.Ordinal);

    [Fact]
    public void Each_replication_reports_its_warm_up_and_its_figures_are_those_of_that_warm_up_given_by_hand()
    {
        Experiment auto = ExperimentLoader.Parse(Yaml("auto"), "exp.yaml");
        Assert.True(auto.Points[0].Serving!.WarmupAuto);
        IReadOnlyList<PointResult> results = ExperimentRunner.Run(auto, workers: 2);
        foreach (PointResult point in results)
        {
            foreach (RecordedResult replication in point.Replications)
            {
                var scalars = replication.Scalars().ToDictionary(s => s.Name, s => s.Value);
                double warmup = scalars["warmup_s"];
                Assert.InRange(warmup, 0, scalars["duration_s"] / 2);

                // The same replication with that warm-up written in the file gives the same figures, to the bit.
                Experiment byHand = ExperimentLoader.Parse(Yaml(warmup.ToString("R", System.Globalization.CultureInfo.InvariantCulture)), "exp.yaml");
                int index = point.Replications.ToList().IndexOf(replication);
                var again = byHand.Points[point.Point.Index].Study.Run(byHand.Points[point.Point.Index], point.ArrivalRate, Core.Engine.RandomStreams.ForReplication(auto.Seed, index), null).Scalars();
                Assert.Equal(again, replication.Scalars().Where(s => s.Name != "warmup_s"));
            }
        }

        // Not vacuous: the runs start empty, so some replication leaves a start out.
        Assert.Contains(results.SelectMany(p => p.Replications), r => r.Scalars().Single(s => s.Name == "warmup_s").Value > 0);
        Assert.Equal(ResultWriter.SummaryCsv(results), ResultWriter.SummaryCsv(ExperimentRunner.Run(auto, workers: 1)));
        Assert.Single(ExperimentFindings.Of(auto, results), f => f.StartsWith("Warm-up left out, chosen by MSER-5 for each replication: ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_run_too_short_to_judge_leaves_nothing_out_and_says_so()
    {
        // 30 requests at 10 a second: some 3 s, 30 samples of the requests in the system, fewer than MSER-5's 50.
        Experiment brief = ExperimentLoader.Parse(Yaml("auto").Replace("requests: 3000", "requests: 30", StringComparison.Ordinal).Replace("workload.arrival.rate: [10, 30]", "workload.arrival.rate: [10]", StringComparison.Ordinal), "exp.yaml");
        IReadOnlyList<PointResult> results = ExperimentRunner.Run(brief, workers: 1);
        Assert.All(results[0].Replications, r => Assert.True(double.IsNaN(r.Scalar("warmup_s"))));
        Assert.Contains(ExperimentFindings.Of(brief, results), f => f.StartsWith("2 replication(s) ran too briefly for MSER-5 to judge", StringComparison.Ordinal));

        Experiment none = ExperimentLoader.Parse(Yaml("0").Replace("requests: 3000", "requests: 30", StringComparison.Ordinal).Replace("workload.arrival.rate: [10, 30]", "workload.arrival.rate: [10]", StringComparison.Ordinal), "exp.yaml");
        IReadOnlyList<PointResult> plain = ExperimentRunner.Run(none, workers: 1);
        Assert.Equal(plain[0].Replications[0].Scalars(), results[0].Replications[0].Scalars().Where(s => s.Name != "warmup_s"));   // nothing left out
    }

    [Fact]
    public void The_word_is_written_out_loads_again_and_is_refused_where_no_serving_study_runs()
    {
        Experiment auto = ExperimentLoader.Parse(Yaml("auto"), "exp.yaml");
        Assert.Contains("  warmup_s: auto\n", auto.ResolvedText, StringComparison.Ordinal);
        Assert.Equal(auto.ResolvedText, ExperimentLoader.Parse(auto.ResolvedText, "resolved.yaml").ResolvedText);

        var wrong = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(Yaml("automatic"), "exp.yaml"));
        Assert.Contains("workload.warmup_s: expected a number, got 'automatic'", wrong.Message, StringComparison.Ordinal);

        const string Fleet = """
            name: f
            serving: { model: llama-3.1-8b, hardware: H100-SXM, weights: fp8, kv_cache: fp8 }
            workload: { requests: 200, warmup_s: auto }
            lifecycle:
              demand: { output_tokens_per_day: 1e9 }
            """;
        ExperimentProblem problem = Assert.Single(Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(Fleet, "f.yaml")).Problems);
        Assert.Equal("workload.warmup_s", problem.Path);
        Assert.Contains("capacity cells", problem.Message, StringComparison.Ordinal);
    }
}
