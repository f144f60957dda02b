using System.Globalization;
using ClusterSim.Core.Catalog;
using ClusterSim.Core.Inference.Workload;
using ClusterSim.Experiments.Replay;
using ClusterSim.Tests;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>
/// The study's load profiles for rows that name one but publish no load: the "-lite" variants are told from their parents,
/// and general-lite's fitted rates (4 then 8 requests a second) are the best of a grid on the study's fourteen general-lite
/// runs (docs/calibration.md gives the leave-one-run-out figures; <see cref="BlisHeldOutReplayTests"/> the bands).
/// </summary>
public class ProfileTests
{
    private static readonly IReadOnlyList<MeasuredRun> Calibration =
        MeasuredRunFile.Read(Path.Combine(RepositoryRoot.Path, "data", "measured", "vllm-measured-calibration.csv"));

    [Theory]
    [InlineData("general-lite: reduced-intensity variant of general (lower token counts or rates)", "general-lite", 4.0, 8.0)]
    [InlineData("general: shared_prefix sys 100 + question 447 tok", "general", 8.0, 20.0)]
    [InlineData("reasoning-lite", "reasoning-lite", 1.0, double.NaN)]
    [InlineData("codegen: shared_prefix sys 100 + question 466 tok", "codegen", 5.0, 10.0)]
    public void A_row_names_its_profile_the_longest_name_first(string text, string name, double first, double second)
    {
        Profile profile = Profile.Named(text)!;

        Assert.Equal(name, profile.Name);
        Assert.Equal(first, profile.Stages[0].RatePerSecond);
        if (!double.IsNaN(second))
        {
            Assert.Equal(second, profile.Stages[1].RatePerSecond);
        }
    }

    [Fact]
    public void Text_naming_no_profile_names_none() => Assert.Null(Profile.Named("a custom shared-prefix run"));

    [Fact]
    public void A_replayed_lite_row_says_its_rates_were_fitted()
    {
        ReplayReport report = ReplayReport.Run(Calibration.Where(r => r.Experiment == "tv-60").ToList(), SimCatalog.Default);

        Assert.Contains(report.Outcomes[0].Case.Assumptions, a => a.StartsWith(
            "the general-lite profile's schedule (4 rps x 600 s; 8 rps x 600 s; rates not published: fitted on the study's general-lite runs)",
            StringComparison.Ordinal));
    }

    /// <summary>
    /// A lite row that publishes each stage's rate but not its duration keeps its own rates and takes the profile's
    /// durations; without a profile, 600 s a stage. Either way the row says so. Fewer stage rows than the profile has
    /// stages leaves the profile's schedule in place.
    /// </summary>
    [Fact]
    public void A_rows_own_stage_rates_win_over_the_profiles_durations_filled_in()
    {
        var rows = Calibration.Where(r => r.Experiment == "tv-60")
            .Select(r => r.Stage switch { "0" => r with { Rate = 5 }, "1" => r with { Rate = 10 }, _ => r }).ToList();
        var (cases, skipped) = ReplayCase.Build(rows, SimCatalog.Default);

        Assert.Empty(skipped);
        ReplayCase c = Assert.Single(cases);
        Assert.Equal([new LoadStage(5, 600), new LoadStage(10, 600)], c.Stages);
        Assert.Contains("the general-lite profile's stage durations (600 s, 600 s; the stages' rates are the rows' own)", c.Assumptions);
        Assert.DoesNotContain(c.Assumptions, a => a.Contains("profile's schedule", StringComparison.Ordinal));

        var unnamed = rows.Select(r => r with { Workload = "custom", LikelyProfile = string.Empty, InputTokens = 575 }).ToList();
        ReplayCase custom = Assert.Single(ReplayCase.Build(unnamed, SimCatalog.Default).Cases);
        Assert.Equal([new LoadStage(5, 600), new LoadStage(10, 600)], custom.Stages);
        Assert.Contains("600 s a stage (durations not published; the stages' rates are the rows' own)", custom.Assumptions);

        // A stage row missing (left out for a bad cell) leaves fewer rates than the profile has stages: its schedule stands.
        ReplayCase partial = Assert.Single(ReplayCase.Build([.. rows.Where(r => r.Stage != "0")], SimCatalog.Default).Cases);
        Assert.Equal([new LoadStage(4, 600), new LoadStage(8, 600)], partial.Stages);
    }

    /// <summary>
    /// Each stage's rate scanned with the other at its fitted value, over the fourteen runs that name general-lite (the
    /// calibration file's four and the ten of the held-out file, on H100, A100 and L40S): the mean |ITL error| over their 28
    /// stage rows is least at 4 requests a second for the first stage and at 8 for the second.
    /// </summary>
    [Theory]
    [InlineData(0, new[] { 3.0, 4.0, 5.0 }, 4.0)]
    [InlineData(1, new[] { 7.0, 8.0, 9.0 }, 8.0)]
    public void General_lite_rates_are_the_best_of_the_grid_on_the_studys_lite_runs(int stage, double[] rates, double fitted)
    {
        var lite = Calibration.Concat(MeasuredRunFile.Read(Path.Combine(RepositoryRoot.Path, "data", "published", "blis-heldout-runs.csv")))
            .Where(r => r.Workload == "general-lite").ToList();
        Assert.Equal(14, lite.Select(r => r.Experiment).Distinct().Count());

        double Error(double rate)
        {
            (double first, double second) = stage == 0 ? (rate, 8.0) : (4.0, rate);
            string schedule = string.Create(CultureInfo.InvariantCulture, $"{first} rps x 600 s; {second} rps x 600 s");
            var rows = lite.Select(r => r.IsWholeRun ? r with { StageSchedule = schedule } : r).ToList();
            var stageRows = ReplayReport.Run(rows, SimCatalog.Default).Scored.Where(o => !o.Row.IsWholeRun).ToList();
            Assert.Equal(28, stageRows.Count);
            return stageRows.Average(o => Math.Abs(o.ItlError));
        }

        var errors = rates.ToDictionary(r => r, Error);
        Assert.Equal(fitted, errors.MinBy(e => e.Value).Key);
    }
}
