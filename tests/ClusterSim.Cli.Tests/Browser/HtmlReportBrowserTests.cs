using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Running;
using ClusterSim.Cli.Browser;
using ClusterSim.Reporting.Report;

namespace ClusterSim.Cli.Tests.Browser;

/// <summary>Opens the reports of the shipped experiments in headless Chromium (Debian 'chromium', installed by .ci/run).</summary>
public class HtmlReportBrowserTests
{
    public static TheoryData<string> Shipped() => new(Directory.GetFiles(Path.Combine(ClusterSim.Tests.RepositoryRoot.Path, "experiments"), "*.yaml").Select(Path.GetFileName).Order()!);

    [ChromiumTheory]
    [MemberData(nameof(Shipped))]
    public async Task Report_renders_every_chart_without_console_errors(string file)
    {
        Assert.True(PngExporter.FindChromium() is not null, "Chromium is required for this test: apt-get install chromium (.ci/run does)");
        Experiment full = ExperimentLoader.Load(Path.Combine(ClusterSim.Tests.RepositoryRoot.Path, "experiments", file));
        // Enough of each experiment to draw every chart kind it has, kept small so the test stays quick.
        Experiment experiment = full with { Replications = Math.Min(full.Replications, 2), Points = full.Points.Take(3).ToList() };
        var results = ExperimentRunner.Run(experiment, 2);
        string directory = Path.Combine(Path.GetTempPath(), $"clustersim-report-{Guid.NewGuid():N}");
        try
        {
            string report = HtmlReport.Write(directory, experiment, results);
            string html = await File.ReadAllTextAsync(report);
            Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("src=\"http", html, StringComparison.OrdinalIgnoreCase);

            BrowserCheck check = await PngExporter.ExportAsync(report);
            Assert.Empty(check.ConsoleErrors);
            Assert.NotEmpty(check.Charts);
            Assert.All(check.Charts, c => Assert.True(c.Width > 100 && c.Height > 50, $"chart {c.Id} rendered at {c.Width}×{c.Height}"));
            Assert.All(check.Pngs, png => Assert.True(new FileInfo(png).Length > 1000, $"{png} is empty"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
