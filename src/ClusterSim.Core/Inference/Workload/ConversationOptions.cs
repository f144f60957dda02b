namespace ClusterSim.Core.Inference.Workload;

/// <summary>
/// Multi-turn chat: each arriving request opens a conversation of <see cref="Turns"/> turns. After an answer and a think
/// time the user asks again; the new prompt is the whole conversation so far (prompt and answer) plus a follow-up
/// question, so a prefix cache can hold the earlier turns. Answers keep the first turn's length.
/// </summary>
public sealed record ConversationOptions
{
    /// <summary>Turns per conversation (1: single requests).</summary>
    public int Turns { get; init; } = 4;

    /// <summary>Time from an answer to the next question, seconds.</summary>
    public double ThinkSeconds { get; init; } = 10;

    /// <summary>Tokens of each follow-up question.</summary>
    public required TokenLengths FollowUp { get; init; }

    /// <summary>Throws when a field is out of range.</summary>
    public ConversationOptions Validated() =>
        Turns >= 1 && ThinkSeconds >= 0 && double.IsFinite(ThinkSeconds)
            ? this
            : throw new ArgumentException($"a conversation needs at least 1 turn and a finite, non-negative think time (got {Turns} turns, {ThinkSeconds} s)");
}
