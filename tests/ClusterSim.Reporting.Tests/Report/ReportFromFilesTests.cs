using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Results;
using ClusterSim.Experiments.Running;
using ClusterSim.Reporting.Report;

namespace ClusterSim.Reporting.Tests.Report;

/// <summary>A report built from results read back from disk (merged shards) is the report of the run itself, for every kind of experiment.</summary>
public class ReportFromFilesTests
{
    [Theory]
    [InlineData("crossover-405b.yaml")]
    [InlineData("industry-2020-2026.yaml")]
    [InlineData("training-405b.yaml")]
    [InlineData("serving-h100-llama8b.yaml")]
    [InlineData("test-time-compute.yaml")]
    public void Merged_shards_draw_the_same_report_as_one_run(string file)
    {
        Experiment full = ExperimentLoader.Load(Path.Combine(ClusterSim.Tests.RepositoryRoot.Path, "experiments", file));
        Experiment experiment = full with { Replications = Math.Min(full.Replications, 2), Points = full.Points.Take(3).ToList() };
        string directory = Path.Combine(Path.GetTempPath(), $"clustersim-merge-{Guid.NewGuid():N}");
        try
        {
            var inMemory = ExperimentRunner.Run(experiment, 2);
            for (int i = 0; i < 2; i++)
            {
                ExperimentRunner.Run(experiment, new RunOptions { Workers = 1, Shard = new Shard(i, 2), Directory = directory });
            }

            var merged = ShardMerge.Merge(experiment, [directory], directory);
            var charts = ReportCharts.For(experiment, inMemory);
            Assert.NotEmpty(charts);
            Assert.Equal(Html(experiment, inMemory), Html(experiment, merged));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string Html(Experiment experiment, IReadOnlyList<PointResult> results)
    {
        var renderer = new ClusterSim.Reporting.Charts.ScottPlotChartRenderer();
        return HtmlReport.Html(experiment, results, ReportCharts.For(experiment, results).Select(renderer.Render).ToList());
    }
}
