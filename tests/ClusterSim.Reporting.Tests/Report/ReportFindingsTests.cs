using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Running;
using ClusterSim.Reporting.Report;

namespace ClusterSim.Reporting.Tests.Report;

/// <summary>The sentences printed under the summary (each request class's latency here) are in the report too.</summary>
public class ReportFindingsTests
{
    private static string Report(string workload)
    {
        Experiment experiment = ExperimentLoader.Parse($$"""
            name: found
            serving: { model: llama-3.1-8b, hardware: H100-SXM, weights: fp8, kv_cache: fp8, scheduler: { policy: priority } }
            workload: { arrival: { rate: 20 }, requests: 200{{workload}} }
            """, "found.yaml");
        return HtmlReport.Html(experiment, ExperimentRunner.Run(experiment, 1), []);
    }

    [Fact]
    public void Each_request_classs_finding_is_a_list_item_of_the_report()
    {
        string html = Report(", classes: { chat: { share: 0.4, priority: 0 }, jobs: { share: 0.6, priority: 3 } }");
        Assert.Contains("<h2>Findings</h2>", html, StringComparison.Ordinal);
        Assert.Matches("<li>chat \\(priority 0, 40 % of requests, by priority\\): TTFT p50 \\d+ ms", html);
        Assert.Contains("<li>jobs (priority 3, 60 % of requests, by priority)", html, StringComparison.Ordinal);
    }

    [Fact]
    public void A_run_without_findings_has_no_findings_section()
    {
        Assert.DoesNotContain("<h2>Findings</h2>", Report(string.Empty), StringComparison.Ordinal);
    }
}
