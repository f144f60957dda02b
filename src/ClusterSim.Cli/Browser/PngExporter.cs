using Microsoft.Playwright;

namespace ClusterSim.Cli.Browser;

/// <summary>
/// Opens a report in headless Chromium through Playwright, records console errors and every chart's rendered
/// size, and saves a PNG of the page and of each chart. Uses the system Chromium (Debian package 'chromium'),
/// or the browser named by CLUSTERSIM_CHROMIUM.
/// </summary>
public static class PngExporter
{
    /// <summary>The Chromium executable to drive.</summary>
    public static string? FindChromium()
    {
        string? configured = Environment.GetEnvironmentVariable("CLUSTERSIM_CHROMIUM");
        string[] candidates = configured is null ? ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"] : [configured];
        return candidates.FirstOrDefault(File.Exists);
    }

    /// <summary>Renders <paramref name="reportPath"/> and writes report.png and charts/&lt;id&gt;.png beside it.</summary>
    public static async Task<BrowserCheck> ExportAsync(string reportPath)
    {
        string chromium = FindChromium() ?? throw new InvalidOperationException("no Chromium found: install the 'chromium' package (apt-get install chromium) or set CLUSTERSIM_CHROMIUM");
        string directory = Path.GetDirectoryName(Path.GetFullPath(reportPath))!;
        using IPlaywright playwright = await Playwright.CreateAsync();
        await using IBrowser browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = chromium, Headless = true, Args = ["--no-sandbox"] });
        IPage page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1100, Height = 900 } });
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => errors.Add(error);
        await page.GotoAsync(new Uri(Path.GetFullPath(reportPath)).AbsoluteUri);

        var charts = new List<(string, double, double)>();
        var pngs = new List<string>();
        Directory.CreateDirectory(Path.Combine(directory, "charts"));
        foreach (IElementHandle chart in await page.QuerySelectorAllAsync("svg.chart"))
        {
            string id = (await chart.GetAttributeAsync("id"))?.Replace("chart-", string.Empty, StringComparison.Ordinal) ?? "chart";
            var box = await chart.BoundingBoxAsync();
            charts.Add((id, box?.Width ?? 0, box?.Height ?? 0));
            string png = Path.Combine(directory, "charts", id + ".png");
            await chart.ScreenshotAsync(new ElementHandleScreenshotOptions { Path = png });
            pngs.Add(png);
        }

        string full = Path.Combine(directory, "report.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = full, FullPage = true });
        pngs.Add(full);
        return new BrowserCheck(errors, charts, pngs);
    }
}
