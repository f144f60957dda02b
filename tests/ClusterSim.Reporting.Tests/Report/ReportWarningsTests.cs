using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Running;
using ClusterSim.Reporting.Report;

namespace ClusterSim.Reporting.Tests.Report;

/// <summary>What a run could not take from data is said in the report too, not only on the console and in calibration.txt.</summary>
public class ReportWarningsTests
{
    private static string Report(string serving)
    {
        Experiment experiment = ExperimentLoader.Parse($$"""
            name: warned
            serving: {{serving}}
            workload: { arrival: { rate: 2 }, requests: 50 }
            """, "warned.yaml");
        return HtmlReport.Html(experiment, ExperimentRunner.Run(experiment, 1), []);
    }

    [Fact]
    public void An_uncalibrated_accelerator_and_a_sliding_window_model_are_warned_about_in_the_report()
    {
        string html = Report("{ model: gemma-3-4b, hardware: L40S, weights: fp8, kv_cache: fp8 }");
        Assert.Contains("<strong>Warning:</strong> L40S: uncalibrated", html, StringComparison.Ordinal);
        Assert.Contains("<strong>Warning:</strong> gemma-3-4b: 29 of its 34 layers attend over a 1024-token window", html, StringComparison.Ordinal);
    }

    [Fact]
    public void A_calibrated_run_has_no_warning()
    {
        Assert.DoesNotContain("<strong>Warning:</strong>", Report("{ model: llama-3.1-8b, hardware: H100-SXM, weights: fp8, kv_cache: fp8 }"), StringComparison.Ordinal);
    }
}
