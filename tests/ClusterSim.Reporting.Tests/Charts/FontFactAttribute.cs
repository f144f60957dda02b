using ClusterSim.Reporting.Charts;

namespace ClusterSim.Reporting.Tests.Charts;

/// <summary>
/// A test that reads text off a chart, which needs an installed font. Without one it is skipped with the reason, unless
/// CLUSTERSIM_REQUIRE_FONTS=1 (set by .ci/run, which installs fonts-dejavu-core), where a missing font must fail the run.
/// </summary>
public sealed class FontFactAttribute : FactAttribute
{
    public FontFactAttribute()
    {
        if (!ScottPlotChartRenderer.CanDrawText && Environment.GetEnvironmentVariable("CLUSTERSIM_REQUIRE_FONTS") != "1")
        {
            Skip = "no font installed, so charts carry no text (apt-get install fonts-dejavu-core); `bash .ci/run` installs one and requires this test";
        }
    }
}
