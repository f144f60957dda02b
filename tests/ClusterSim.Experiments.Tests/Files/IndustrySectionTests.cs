using System.Text.RegularExpressions;
using ClusterSim.Experiments.Files;

namespace ClusterSim.Experiments.Tests.Files;

public class IndustrySectionTests
{
    private static readonly string Shipped = File.ReadAllText(Path.Combine(ClusterSim.Tests.RepositoryRoot.Path, "experiments", "industry-2020-2026.yaml"));

    /// <summary>The shipped file with its dated volumes replaced by <paramref name="volumes"/> (one "date: tokens" a line).</summary>
    private static string WithVolumes(params string[] volumes) =>
        Regex.Replace(Shipped, @"(  output_tokens_per_day:\n)(    \d{4}-.*\n)+", m => m.Groups[1].Value + string.Concat(volumes.Select(v => $"    {v}\n")));

    [Fact]
    public void Volumes_extrapolated_within_reach_of_real_ones_are_accepted()
    {
        Experiment experiment = ExperimentLoader.Parse(WithVolumes("2021-03-25: 6.0e9", "2025-10-31: 8.7e12"), "industry.yaml");
        Assert.Equal(2, experiment.Points[0].Industry!.OutputTokensPerDay.Anchors.Count);
    }

    /// <summary>
    /// Found by <see cref="IndustryFileSoakTests"/>: two volumes a month apart set the slope for every year after them, and
    /// a thousandfold month carried over years made the inference spend infinite (or, falling, nothing), silently.
    /// </summary>
    [Theory]
    [InlineData("2019-12-01: 1e9", "2020-01-01: 1e10", "2026-12-31")]      // tenfold in a month, carried to 2026
    [InlineData("2018-03-19: 6.3e12", "2018-04-19: 3.3e8", "2020-01-01")]   // falling as fast, back to nothing by 2020
    public void Volumes_extrapolated_past_any_real_one_are_refused_at_their_line(string first, string second, string end)
    {
        var refused = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(WithVolumes(first, second), "industry.yaml"));
        Assert.Matches(@"industry\.yaml:\d+:\d+: industry\.output_tokens_per_day: extrapolated to " + end, refused.Message);
    }

    /// <summary>
    /// Found by <see cref="IndustryFileSoakTests"/>: a training run with a problem of its own (here one that does not fit
    /// its accelerators' memory) also read as missing, and the file was told to add the section it has.
    /// </summary>
    [Fact]
    public void A_section_with_problems_of_its_own_is_not_called_missing()
    {
        var refused = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(Shipped.Replace("recompute: full", "recompute: none"), "industry.yaml"));
        Assert.Contains("training: the plan needs", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("builds on a simulated lifecycle", refused.Message, StringComparison.Ordinal);

        string withoutTraining = Regex.Replace(Shipped, @"\ntraining:\n(  .*\n)+", "\n");
        var missing = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(withoutTraining, "industry.yaml"));
        Assert.Contains("industry: builds on a simulated lifecycle: add 'training'", missing.Message, StringComparison.Ordinal);
    }
}
