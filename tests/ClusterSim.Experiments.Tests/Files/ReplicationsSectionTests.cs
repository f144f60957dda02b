using ClusterSim.Experiments.Files;

namespace ClusterSim.Experiments.Tests.Files;

/// <summary><c>replications</c>: a count, or sequential replications until a metric's interval is narrow enough.</summary>
public class ReplicationsSectionTests
{
    private static string Yaml(string rule) => ExperimentLoaderTests.Valid.Replace("replications: 2", $"replications: {rule}", StringComparison.Ordinal);

    private static ExperimentException Problems(string rule) => Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(Yaml(rule), "exp.yaml"));

    [Fact]
    public void A_count_stays_a_count()
    {
        Experiment experiment = ExperimentLoader.Parse(Yaml("4"), "exp.yaml");
        Assert.Equal(4, experiment.Replications);
        Assert.Null(experiment.Until);
        Assert.Equal(4, experiment.MaxReplications);
        Assert.Contains("replications: 4\n", experiment.ResolvedText, StringComparison.Ordinal);
        Assert.Equal("4 replication(s)", experiment.ReplicationsText);
    }

    [Fact]
    public void A_rule_is_read_with_its_defaults_written_out_and_loads_again_to_itself()
    {
        Experiment experiment = ExperimentLoader.Parse(Yaml("{ metric: e2e_p99_s }"), "exp.yaml");
        Assert.Equal(3, experiment.Replications);
        Assert.Equal(new ReplicationTarget(30, "e2e_p99_s", 0.05), experiment.Until! with { At = null });
        Assert.Equal((3, 25), (experiment.Until.At!.Line, experiment.Until.At.Column));
        Assert.Contains("replications: { min: 3, max: 30, metric: e2e_p99_s, relative_half_width: 0.05 }\n", experiment.ResolvedText, StringComparison.Ordinal);

        Experiment again = ExperimentLoader.Parse(experiment.ResolvedText, "resolved.yaml");
        Assert.Equal(experiment.ResolvedText, again.ResolvedText);
        Assert.Equal(experiment.Until with { At = null }, again.Until! with { At = null });
    }

    [Theory]
    [InlineData("{ min: 5, max: 4, metric: ttft_p99_s }", "replications.max", "max (4) is below min (5)")]
    [InlineData("{ min: 1, metric: ttft_p99_s }", "replications.min", "out of range")]
    [InlineData("{ max: 20 }", "replications.metric", "is required")]
    [InlineData("{ metric: ttft_p99 }", "replications.metric", "did you mean 'ttft_p99_s'?")]
    [InlineData("{ metric: ttft_p99_s, relative_half_width: 0 }", "replications.relative_half_width", "0 is out of range; expected a number in (0, 1]")]
    [InlineData("{ metric: ttft_p99_s, until: 3 }", "replications.until", "unknown key")]
    [InlineData("{ metric: ttft_p99_s, relative_half_width: 0.005 }", "replications.relative_half_width", "finer than a percentile resolves")]
    [InlineData("0", "replications", "out of range")]
    public void A_rule_that_cannot_be_followed_is_refused_at_its_line(string rule, string path, string message)
    {
        ExperimentProblem problem = Assert.Single(Problems(rule).Problems);
        Assert.Equal(3, problem.Line);
        Assert.Equal(path, problem.Path);
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
    }
}
