using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ClusterSim.Cli;

/// <summary>A progress-bar column with the runs done out of all and the current rate: "12/27 runs, 0.8/s".</summary>
internal sealed class RunsColumn : ProgressColumn
{
    public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime)
    {
        string rate = task.Speed is { } speed ? string.Create(CultureInfo.InvariantCulture, $", {speed:0.0#}/s") : string.Empty;
        return new Text(string.Create(CultureInfo.InvariantCulture, $"{Math.Floor(task.Value):0}/{task.MaxValue:0} runs{rate}"), new Style(Color.Grey));
    }
}
