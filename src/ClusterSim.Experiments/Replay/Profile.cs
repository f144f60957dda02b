using ClusterSim.Core.Inference.Workload;

namespace ClusterSim.Experiments.Replay;

/// <summary>
/// The load generator profiles of the public sim-to-real study, for rows that name a profile but not their own
/// parameters (see ../shared/data/README.md): system, question and output tokens, how many distinct prompts (system
/// prompts × users each), and the rate schedule.
/// </summary>
/// <remarks>
/// The study's "-lite" variants never published their loads. <c>general-lite</c>'s rates are fitted, not read: 4 then
/// 8 requests a second (general's lengths and prompt set, 600 s a stage) is the grid point (3-5 and 6-10 rps) with the
/// least mean |ITL error| over the stage rows of the fourteen runs that name it, four in the calibration file and ten
/// on H100, A100 and L40S in data/published/blis-heldout-runs.csv; leaving each run out moves the fit to 3.5-4 and 8-9
/// and predicts the run left out within a median 4.4 % (docs/calibration.md, "The study's lite runs").
/// <c>reasoning-lite</c>'s rate, 1 request a second, is the one the calibration file publishes for its three runs; their
/// duration is not, and 600 s is assumed.
/// </remarks>
internal sealed record Profile(string Name, int SystemTokens, int QuestionTokens, int OutputTokens, int SystemPrompts, int UsersPerPrompt, IReadOnlyList<LoadStage> Stages,
    string Basis = "rate not published")
{
    private static readonly Profile[] Known =
    [
        new("general", 100, 447, 248, 9, 5, [new(8, 600), new(20, 600)]),
        new("codegen", 100, 466, 247, 11, 4, [new(5, 600), new(10, 600)]),
        new("roleplay", 150, 600, 251, 10, 5, [new(6, 1200)]),
        new("reasoning", 100, 934, 1448, 23, 1, [new(4, 1200)]),
        new("general-lite", 100, 447, 248, 9, 5, [new(4, 600), new(8, 600)], "rates not published: fitted on the study's general-lite runs"),
        new("reasoning-lite", 100, 934, 1448, 23, 1, [new(1, 600)], "the calibration file's reasoning-lite rate; duration not published"),
    ];

    /// <summary>The profile a row's text names first, the longest name where two start together ("general-lite: ..." names general-lite); null when none.</summary>
    public static Profile? Named(string text)
    {
        string lower = text.ToLowerInvariant();
        return Known.Select(p => (p, at: lower.IndexOf(p.Name, StringComparison.Ordinal))).Where(x => x.at >= 0)
            .OrderBy(x => x.at).ThenByDescending(x => x.p.Name.Length).Select(x => x.p).FirstOrDefault();
    }
}
