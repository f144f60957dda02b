using ClusterSim.Core.Metrics;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Results;
using ClusterSim.Experiments.Studies;

namespace ClusterSim.Experiments.Tests.Studies;

public class StudyTests
{
    private static string Experiments => Path.Combine(ClusterSim.Tests.RepositoryRoot.Path, "experiments");

    [Theory]
    [InlineData("serving-h100-llama8b.yaml", StudyKind.Serving)]
    [InlineData("test-time-compute.yaml", StudyKind.Serving)]
    [InlineData("training-405b.yaml", StudyKind.Training)]
    [InlineData("crossover-405b.yaml", StudyKind.Lifecycle)]
    [InlineData("hardware-mix.yaml", StudyKind.Fleet)]
    [InlineData("industry-2020-2026.yaml", StudyKind.Industry)]
    [InlineData("shared-cluster.yaml", StudyKind.Cluster)]
    [InlineData("hardware-mix-cluster.yaml", StudyKind.Cluster)]
    [InlineData("fleet-from-traffic.yaml", StudyKind.Cluster)]
    public void A_point_runs_the_study_its_sections_name(string file, StudyKind kind)
    {
        Experiment experiment = ExperimentLoader.Load(Path.Combine(Experiments, file));
        Assert.All(experiment.Points, p => Assert.Equal(kind, p.Study.Kind));
    }

    public static TheoryData<string> ShippedFiles() => [.. Directory.GetFiles(Experiments, "*.yaml").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(ShippedFiles))]
    public void Every_metric_a_study_reports_shows_or_sweeps_is_in_the_catalog(string file)
    {
        Experiment experiment = ExperimentLoader.Load(Path.Combine(Experiments, file));
        var results = new List<PointResult>();
        foreach (ExperimentPoint shipped in new[] { experiment.Points[0], experiment.Points[^1] }.Distinct())
        {
            // A few hundred requests report every metric the full run does.
            ExperimentPoint point = shipped.Serving is { Trace: null } s ? shipped with { Serving = s with { Requests = Math.Min(s.Requests, 300) } } : shipped;
            ISimulationResult run = point.Study.Run(point, point.Serving?.Arrival.Rate ?? 5, seed: 1, share: null);
            Assert.All(run.Scalars(), m => Assert.True(MetricCatalog.Find(m.Name) is not null, $"{file}: '{m.Name}' is not in MetricCatalog"));
            results.Add(PointResult.Of(point, point.Serving?.Arrival.Rate ?? double.NaN, double.NaN, [RecordedResult.Of(run, keepDetail: false)]));
        }

        Study study = results[0].Point.Study;
        Assert.All(study.SummaryColumns(results), c => Assert.True(MetricCatalog.Find(c.Metric) is not null, $"summary column '{c.Metric}'"));
        Assert.All(study.SummaryColumns(results), c => Assert.Contains(results[0].Metrics, m => m.Name == c.Metric));
        Assert.All(study.SweepMetrics(results), m => Assert.True(MetricCatalog.Find(m) is not null, $"sweep metric '{m}'"));
    }

    [Fact]
    public void Pattern_keys_read_as_their_family_and_unknown_keys_are_not_found()
    {
        Assert.Equal("p99 time to first token (s)", MetricCatalog.Readable("ttft_p99_s"));
        Assert.Equal("training spend in 2025", MetricCatalog.Readable("training_usd_2025"));
        Assert.Null(MetricCatalog.Find("ttft_p42_s"));
        Assert.Null(MetricCatalog.Find("training_usd_abcd"));
        Assert.Equal("no such metric", MetricCatalog.Readable("no_such_metric"));
        Assert.Equal(MetricCatalog.All.Count, MetricCatalog.All.Select(m => m.Key).Distinct(StringComparer.Ordinal).Count());
    }
}
