using ClusterSim.Core.Inference.Workload;

namespace ClusterSim.Experiments.Replay;

/// <summary>
/// The load generator profiles of the public sim-to-real study, for rows that name a profile but not their own
/// parameters (see ../shared/data/README.md): system, question and output tokens, how many distinct prompts (system
/// prompts × users each), and the rate schedule.
/// </summary>
internal sealed record Profile(string Name, int SystemTokens, int QuestionTokens, int OutputTokens, int SystemPrompts, int UsersPerPrompt, IReadOnlyList<LoadStage> Stages)
{
    private static readonly Profile[] Known =
    [
        new("general", 100, 447, 248, 9, 5, [new(8, 600), new(20, 600)]),
        new("codegen", 100, 466, 247, 11, 4, [new(5, 600), new(10, 600)]),
        new("roleplay", 150, 600, 251, 10, 5, [new(6, 1200)]),
        new("reasoning", 100, 934, 1448, 23, 1, [new(4, 1200)]),
    ];

    /// <summary>The profile a row's text names first ("general-lite: ..." names general); null when none.</summary>
    public static Profile? Named(string text)
    {
        string lower = text.ToLowerInvariant();
        return Known.Select(p => (p, at: lower.IndexOf(p.Name, StringComparison.Ordinal))).Where(x => x.at >= 0).OrderBy(x => x.at).Select(x => x.p).FirstOrDefault();
    }
}
