using ClusterSim.Core.Inference.Workload;

namespace ClusterSim.Experiments.Files;

/// <summary><c>workload.conversation</c>: turns per conversation, think time, and the follow-up questions' lengths.</summary>
public sealed record ConversationSpec(int Turns, double ThinkSeconds, LengthSpec FollowUp)
{
    /// <summary>The Core options for one run.</summary>
    public ConversationOptions Build() => new() { Turns = Turns, ThinkSeconds = ThinkSeconds, FollowUp = FollowUp.Build() };
}
