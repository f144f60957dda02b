using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Running;
using ClusterSim.Reporting.Charts;
using ClusterSim.Reporting.Report;

namespace ClusterSim.Reporting.Tests.Report;

/// <summary>Text from an experiment file reaches the report and its charts as text, never as markup.</summary>
public class HostileTextTests
{
    private const string Script = "<script>alert(1)</script>";

    [Fact]
    public void Markup_in_a_description_is_escaped_in_the_report_and_as_a_swept_value_is_refused()
    {
        string yaml = $$"""
            name: hostile
            description: "{{Script}} & \"quotes\""
            serving: { model: llama-3.1-8b, hardware: H100-SXM, weights: fp8, kv_cache: fp8 }
            workload: { arrival: { rate: 5 }, requests: 200 }
            sweep:
              parameters:
                serving.router: [least-outstanding, round-robin]
                workload.prompt_tokens.kind: [fixed, "{{Script}}"]
            """;
        // The swept kind is refused as a distribution, so the markup is tried where it can land: the description and labels.
        var problems = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(yaml, "hostile.yaml"));
        Assert.DoesNotContain(problems.Problems, p => p.Message.Contains("internal", StringComparison.Ordinal));

        Experiment experiment = ExperimentLoader.Parse(yaml.Replace($", \"{Script}\"]", ", lognormal]", StringComparison.Ordinal), "hostile.yaml");
        var results = ExperimentRunner.Run(experiment, 2);
        var svgs = ReportCharts.For(experiment, results).Select(c => new ScottPlotChartRenderer().Render(c)).ToList();
        string html = HtmlReport.Html(experiment, results, svgs);

        Assert.DoesNotContain(Script, html, StringComparison.Ordinal);
        Assert.DoesNotContain("no font is installed", html, StringComparison.Ordinal);
        Assert.Contains("no font is installed", HtmlReport.Html(experiment, results, svgs, chartsHaveText: false), StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
    }
}
