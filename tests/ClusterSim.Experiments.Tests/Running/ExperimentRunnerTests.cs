using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Results;
using ClusterSim.Experiments.Running;
using ClusterSim.Experiments.Tests.Files;

namespace ClusterSim.Experiments.Tests.Running;

public class ExperimentRunnerTests
{
    [Fact]
    public void Results_are_byte_identical_whatever_the_worker_count()
    {
        Experiment experiment = ExperimentLoader.Parse(ExperimentLoaderTests.Valid, "exp.yaml");
        string one = ResultWriter.SummaryCsv(ExperimentRunner.Run(experiment, workers: 1));
        string four = ResultWriter.SummaryCsv(ExperimentRunner.Run(experiment, workers: 4));
        Assert.Equal(one, four);
        Assert.Equal(5, one.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void A_metric_only_some_points_report_gets_its_column_and_empty_cells_elsewhere()
    {
        // Turning the prefix cache on adds prefix_hit_rate: the summary joins metrics by name, not by position.
        string yaml = ExperimentLoaderTests.Valid
            .Replace("requests: 400", "requests: 400\n  prompts: { system_prompts: 2, users_per_prompt: 3, system_tokens: 64 }", StringComparison.Ordinal)
            .Replace("serving.scheduler.kind: [continuous, static]", "serving.scheduler.prefix_caching: [false, true]", StringComparison.Ordinal);
        string csv = ResultWriter.SummaryCsv(ExperimentRunner.Run(ExperimentLoader.Parse(yaml, "exp.yaml"), workers: 2));
        string[] lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] header = lines[0].Split(',');
        int hit = Array.IndexOf(header, "prefix_hit_rate");
        int e2e = Array.IndexOf(header, "e2e_mean_s");
        Assert.True(hit > 0);
        Assert.All(lines.Skip(1), line => Assert.Equal(header.Length, line.Split(',').Length));
        Assert.Equal(string.Empty, lines[1].Split(',')[hit]);                 // cache off
        Assert.True(double.Parse(lines[2].Split(',')[hit], System.Globalization.CultureInfo.InvariantCulture) > 0.2);   // cache on
        Assert.NotEqual(string.Empty, lines[1].Split(',')[e2e]);
    }

    [Fact]
    public void Replications_give_an_interval_that_covers_their_spread()
    {
        Experiment experiment = ExperimentLoader.Parse(ExperimentLoaderTests.Valid.Replace("replications: 2", "replications: 4"), "exp.yaml");
        PointResult point = ExperimentRunner.Run(experiment, 2)[0];
        MetricSummary e2e = point.Metric("e2e_mean_s");
        Assert.Equal(4, e2e.Samples);
        Assert.True(e2e.HalfWidth95 > 0);
        var values = point.Replications.Select(r => r.Scalar("e2e_mean_s")).ToList();
        Assert.Equal(values.Average(), e2e.Mean, 12);
    }

    [Fact]
    public void Load_is_a_fraction_of_the_measured_saturation_rate()
    {
        string yaml = ExperimentLoaderTests.Valid.Replace("rate: 20", "load: 0.5").Replace("workload.arrival.rate: [10, 30]", "workload.arrival.load: [0.5, 1.5]");
        var results = ExperimentRunner.Run(ExperimentLoader.Parse(yaml, "exp.yaml"), 2);
        PointResult half = results[0], over = results[2];
        Assert.Equal(half.SaturationRate * 0.5, half.ArrivalRate, 9);
        // Below saturation everything offered is served; above it the queue (and TTFT) grows without bound.
        Assert.InRange(half.Metric("requests_per_s").Mean, half.ArrivalRate * 0.85, half.ArrivalRate * 1.15);
        Assert.True(over.Metric("ttft_p50_s").Mean > 10 * half.Metric("ttft_p50_s").Mean);
    }

    [Fact]
    public void Written_results_hold_summary_points_series_and_the_resolved_experiment()
    {
        Experiment experiment = ExperimentLoader.Parse(ExperimentLoaderTests.Valid, "exp.yaml");
        string directory = Path.Combine(Path.GetTempPath(), "clustersim-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            ResultWriter.Write(directory, experiment, ExperimentRunner.Run(experiment, 2));
            Assert.True(File.Exists(Path.Combine(directory, "summary.csv")));
            Assert.True(File.Exists(Path.Combine(directory, "points", "point-003.json")));
            Assert.StartsWith("time_s,queue_length", File.ReadAllText(Path.Combine(directory, "series", "point-000.csv")));
            Assert.StartsWith("name: tiny", File.ReadAllText(Path.Combine(directory, "experiment.resolved.yaml")));
            Assert.Empty(Directory.GetFiles(directory, "*.tmp", SearchOption.AllDirectories));
            using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "points", "point-000.json")));
            Assert.Equal(2, json.RootElement.GetProperty("replications").GetArrayLength());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
