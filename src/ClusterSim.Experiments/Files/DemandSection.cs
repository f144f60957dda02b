using System.Globalization;
using ClusterSim.Core.Catalog;
using ClusterSim.Core.Economics;
using YamlDotNet.RepresentationModel;

namespace ClusterSim.Experiments.Files;

/// <summary>
/// Reads a <c>demand:</c> mapping (the lifecycle's and each cluster deployment's): a launch level with monthly growth
/// and a diurnal swing, or a measured trace (<see cref="DemandTraceFile"/>) with growth, scaled to the level when one is
/// given.
/// </summary>
internal static class DemandSection
{
    /// <summary>The keys a demand mapping takes.</summary>
    public static readonly string[] Keys = ["output_tokens_per_day", "monthly_growth", "diurnal_amplitude", "trace"];

    /// <summary>Reads <paramref name="owner"/>'s <c>demand</c>; problems are said, and a placeholder returned, when it is wrong.</summary>
    /// <param name="r">The experiment's reader.</param>
    /// <param name="owner">The mapping holding <c>demand</c>.</param>
    /// <param name="ownerPath">Its path in the file (<c>lifecycle</c>, <c>cluster.deployments.NAME</c>).</param>
    /// <param name="file">The experiment file, which a trace's path is relative to.</param>
    /// <param name="output">The requests' output lengths, to count a trace's requests in tokens.</param>
    /// <param name="servingDays">Days the demand is served for, to warn when a trace repeats.</param>
    /// <param name="warnings">Where the run's warnings go.</param>
    public static DemandCurve Read(YamlReader r, YamlMappingNode? owner, string ownerPath, string file, LengthSpec output, double servingDays, SortedSet<string> warnings)
    {
        string path = $"{ownerPath}.demand";
        YamlMappingNode? demand = r.Mapping(YamlReader.Child(owner, "demand"), path, Keys);
        if (demand is null)
        {
            r.Problem(owner, path, "is required (output_tokens_per_day, monthly_growth, diurnal_amplitude; or a trace)");
        }

        double growth = r.Number(demand, "monthly_growth", path, 0, -0.99, 100);
        string? trace = r.Text(demand, "trace", path);
        if (trace is null)
        {
            return new DemandCurve(
                r.Number(demand, "output_tokens_per_day", path, 1e9, 0, exclusiveMin: true),
                growth,
                r.Number(demand, "diurnal_amplitude", path, 0, 0, 0.99));
        }

        double? level = YamlReader.Child(demand, "output_tokens_per_day") is null ? null : r.Number(demand, "output_tokens_per_day", path, 1e9, 0, exclusiveMin: true);
        if (YamlReader.Child(demand, "diurnal_amplitude") is { } amplitude)
        {
            r.Problem(amplitude, $"{path}.diurnal_amplitude", "a trace gives the demand's shape; diurnal_amplitude shapes the formula only (leave it out)");
        }

        YamlNode at = YamlReader.Child(demand, "trace")!;
        try
        {
            string full = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".", trace));
            DemandProfile profile = DemandTraceFile.Read(full, MeanOf(output));
            if (servingDays * 86_400 > profile.SpanSeconds * (1 + 1e-9))
            {
                warnings.Add(string.Create(CultureInfo.InvariantCulture,
                    $"warning: {path}.trace: the trace covers {Days(profile.SpanSeconds)}; it repeats over the {Days(servingDays * 86_400)} served"));
            }

            return DemandCurve.FromProfile(profile, level, growth);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CatalogException or ArgumentException)
        {
            r.Problem(at, $"{path}.trace", e.Message);
            return new DemandCurve(1e9);
        }
    }

    /// <summary>The demand as a resolved experiment writes it (a trace by its full path, with the level it was scaled to).</summary>
    public static string Resolved(DemandCurve d) => d.Profile is { } profile
        ? $"{{ trace: {YamlText.Quoted(profile.Source)}, output_tokens_per_day: {ResolvedSections.F(d.OutputTokensPerDayAtLaunch)}, monthly_growth: {ResolvedSections.F(d.MonthlyGrowth)} }}"
        : $"{{ output_tokens_per_day: {ResolvedSections.F(d.OutputTokensPerDayAtLaunch)}, monthly_growth: {ResolvedSections.F(d.MonthlyGrowth)}, diurnal_amplitude: {ResolvedSections.F(d.DiurnalAmplitude)} }}";

    private static string Days(double seconds) => seconds >= 86_400
        ? string.Create(CultureInfo.InvariantCulture, $"{seconds / 86_400:0.##} days")
        : string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600:0.##} hours");

    /// <summary>The mean output length (1 when the lengths are themselves wrong: their own problem is said).</summary>
    private static double MeanOf(LengthSpec output)
    {
        try
        {
            return output.Build().Mean;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return 1;
        }
    }
}
