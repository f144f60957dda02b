using ClusterSim.Cli.Browser;

namespace ClusterSim.Cli.Tests.Browser;

/// <summary>
/// A theory that needs a Chromium to drive. Without one it is skipped with the reason, unless
/// CLUSTERSIM_REQUIRE_BROWSER=1 (set by .ci/run, which installs Chromium), where a missing browser must fail the run.
/// </summary>
public sealed class ChromiumTheoryAttribute : TheoryAttribute
{
    public ChromiumTheoryAttribute()
    {
        if (PngExporter.FindChromium() is null && Environment.GetEnvironmentVariable("CLUSTERSIM_REQUIRE_BROWSER") != "1")
        {
            Skip = "no Chromium found (apt-get install chromium, or set CLUSTERSIM_CHROMIUM); `bash .ci/run` installs it and requires this test";
        }
    }
}
