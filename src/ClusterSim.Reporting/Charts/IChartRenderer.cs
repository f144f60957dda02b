namespace ClusterSim.Reporting.Charts;

/// <summary>Turns a chart description into a document; the SVG renderer is the default, a library could replace it.</summary>
public interface IChartRenderer
{
    /// <summary>The rendered chart (for the SVG renderer, a standalone &lt;svg&gt; element).</summary>
    string Render(Chart chart);
}
