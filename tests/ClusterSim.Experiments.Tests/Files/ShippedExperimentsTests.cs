using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Results;
using ClusterSim.Experiments.Running;

namespace ClusterSim.Experiments.Tests.Files;

public class ShippedExperimentsTests
{
    private static string Experiments => Path.Combine(ClusterSim.Tests.RepositoryRoot.Path, "experiments");

    [Fact]
    public void Every_shipped_experiment_validates()
    {
        var files = Directory.GetFiles(Experiments, "*.yaml");
        Assert.NotEmpty(files);
        Assert.All(files, f => Assert.NotEmpty(ExperimentLoader.Load(f).Points));
    }

    [Fact]
    public void Every_shipped_experiments_resolved_file_loads_as_written_and_resolves_to_itself()
    {
        // experiment.resolved.yaml is what a user copies to rerun a result: it must load, and say the same again.
        var failures = new List<string>();
        int looked = 0;
        // Parsed as if saved where results go (another folder), so a file named relative to the experiment would be missed.
        string results = Path.Combine(Path.GetTempPath(), "clustersim-resolved-" + Guid.NewGuid().ToString("N"));
        foreach (string file in Directory.GetFiles(Experiments, "*.yaml"))
        {
            Experiment experiment = ExperimentLoader.Load(file);
            ExperimentPoint first = experiment.Points[0];
            if (experiment.Points.Any(p => p.Parameters.Any(x => x.Key.StartsWith("serving.disaggregation.", StringComparison.Ordinal))) && first.Serving?.Disaggregation is null)
            {
                continue;   // the first point serves colocated, so its record has no decode pool for the sweep's others to reach into
            }

            looked++;
            string resolved = experiment.ResolvedText;
            string copy = Path.Combine(results, Path.GetFileNameWithoutExtension(file), "experiment.resolved.yaml");
            try
            {
                Experiment again = ExperimentLoader.Parse(resolved, copy);
                if (again.ResolvedText != resolved)
                {
                    failures.Add($"{Path.GetFileName(file)}: resolves differently the second time");
                }
            }
            catch (ExperimentException e)
            {
                failures.Add($"{Path.GetFileName(file)}: {e.Message}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(looked >= 10, $"only {looked} experiments were looked at");
    }

    [Fact]
    public void The_shipped_trace_replays_every_request()
    {
        Experiment experiment = ExperimentLoader.Load(Path.Combine(Experiments, "serving-trace-replay.yaml"));
        Assert.Equal(300, experiment.Points[0].Serving!.Trace!.Count);
        PointResult result = ExperimentRunner.Run(experiment with { Points = [experiment.Points[0]] }, 1)[0];
        Assert.Equal(300, result.Metric("requests_completed").Mean);
    }

    [Fact]
    public void The_shipped_405B_training_run_lands_near_the_published_GPU_hours()
    {
        Experiment experiment = ExperimentLoader.Load(Path.Combine(Experiments, "training-405b.yaml"));
        PointResult result = ExperimentRunner.Run(experiment, 2)[0];
        // Meta's model card: 30.84 M H100-hours for Llama 3.1 405B; the issue's tolerance is 20 %.
        Assert.InRange(result.Metric("accelerator_hours").Mean / 30.84e6, 0.8, 1.2);
        Assert.InRange(result.Metric("effective_training_fraction").Mean, 0.85, 0.97);
        Assert.All(result.Replications, r => Assert.True(r.Conserved));
    }

    [Fact]
    public void Test_time_compute_reproduces_the_qualitative_claims()
    {
        Experiment experiment = ExperimentLoader.Load(Path.Combine(Experiments, "test-time-compute.yaml"));
        var results = ExperimentRunner.Run(experiment, 2).ToDictionary(r => r.Point.Parameters[0].Value);
        double Cost(string policy) => results[policy].Metric("tt_accelerator_seconds_per_request").Mean;
        double Accuracy(string policy) => results[policy].Metric("tt_accuracy").Mean;

        // Long reasoning costs tens of single passes; adaptive keeps most of its gain for a fraction of its extra cost.
        Assert.True(Cost("reasoning") > 30 * Cost("single"), $"reasoning costs {Cost("reasoning") / Cost("single"):0}x");
        double kept = (Accuracy("adaptive") - Accuracy("single")) / (Accuracy("reasoning") - Accuracy("single"));
        double spent = (Cost("adaptive") - Cost("single")) / (Cost("reasoning") - Cost("single"));
        Assert.True(kept > 0.6 && spent < 0.5, $"adaptive keeps {kept:P0} of the gain for {spent:P0} of the extra cost");
        Assert.True(Accuracy("best-of-n") > Accuracy("vote") && Accuracy("vote") > Accuracy("single"));
        Assert.All(results.Values, r => Assert.All(r.Replications, x => Assert.True(x.Conserved)));
    }

    [Fact]
    public void Expert_skew_raises_imbalance_and_never_raises_capacity()
    {
        Experiment experiment = ExperimentLoader.Load(Path.Combine(Experiments, "moe-skew.yaml"));
        var results = ExperimentRunner.Run(experiment with { Replications = 1 }, 2);
        for (int i = 1; i < results.Count; i++)
        {
            Assert.True(results[i].Metric("moe_imbalance_mean").Mean > results[i - 1].Metric("moe_imbalance_mean").Mean);
            Assert.True(results[i].Metric("throughput_output_tok_s").Mean <= results[i - 1].Metric("throughput_output_tok_s").Mean * 1.01);
        }
    }

    [Fact]
    public void A_bad_trace_row_names_its_line_and_column()
    {
        string file = Path.Combine(Path.GetTempPath(), $"trace-{Guid.NewGuid():N}.csv");
        File.WriteAllText(file, "TIMESTAMP,ContextTokens,GeneratedTokens\n2024-01-01 00:00:00,10,5\n2024-01-01 00:00:01,ten,5\n");
        try
        {
            var error = Assert.Throws<ClusterSim.Core.Catalog.CatalogException>(() => TraceFile.Read(file));
            Assert.Contains(":3: field 'ContextTokens'", error.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
