using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.Workload;
using Xunit;

namespace ClusterSim.Core.Tests.Inference;

/// <summary>
/// Requests sent at one instant to an idle replica: handed over in process (an offline batch) they share its first step;
/// through a front end (the default) the engine starts on the first while the others are still being read.
/// </summary>
public sealed class InProcessSubmissionTests
{
    private const int Batch = 8;
    private const int Prompt = 2048;

    /// <summary>A static batch: <see cref="Batch"/> requests at once, room in one step for every prompt.</summary>
    private static ServingScenario Offline(bool inProcess, bool macro = true, int requests = Batch) => new()
    {
        Replicas = [new ReplicaGroup(ServingScenarios.Llama8bOnH100, new SchedulerOptions { Kind = SchedulerKind.ChunkedPrefill, MaxSequences = Batch, MaxBatchedTokens = Batch * Prompt })],
        Workload = s => RequestSource.ClosedLoop(Batch, 0, TokenLengths.Fixed(Prompt), TokenLengths.Fixed(64), s),
        MaxRequests = requests,
        MacroStepping = macro,
        InProcessSubmission = inProcess,
    };

    [Fact]
    public void A_batch_handed_over_in_process_gets_its_first_tokens_from_one_step()
    {
        ServingResult together = new ServingCluster(Offline(inProcess: true)).Run();
        ServingResult served = new ServingCluster(Offline(inProcess: false)).Run();

        // One step prefills all eight prompts, so every first token comes at the same instant.
        Assert.Equal(Batch, together.Metrics.Completed);
        Assert.Equal(together.Metrics.Ttft.Max, together.Metrics.Ttft.Mean, 9);

        // Behind a front end the first request's step runs alone and the other seven wait for it.
        Assert.True(served.Metrics.Ttft.Mean < 0.95 * served.Metrics.Ttft.Max, $"mean {served.Metrics.Ttft.Mean} s, max {served.Metrics.Ttft.Max} s");

        // One step of eight prompts is shorter than one of one followed by one of seven: the fixed costs are paid once.
        Assert.True(together.Metrics.Ttft.Max < served.Metrics.Ttft.Max, $"{together.Metrics.Ttft.Max} s against {served.Metrics.Ttft.Max} s");
    }

    [Fact]
    public void Sharing_the_first_step_changes_nothing_once_requests_no_longer_coincide()
    {
        // One request a replica at a time (a closed loop of one user): nothing ever arrives together, so the two agree.
        ServingScenario Single(bool inProcess) => new()
        {
            Replicas = [new ReplicaGroup(ServingScenarios.Llama8bOnH100, new SchedulerOptions { Kind = SchedulerKind.ChunkedPrefill })],
            Workload = s => RequestSource.ClosedLoop(1, 0, TokenLengths.Fixed(Prompt), TokenLengths.Fixed(64), s),
            MaxRequests = 20,
            InProcessSubmission = inProcess,
        };

        ServingClusterTests.AssertSameOutcome(new ServingCluster(Single(false)).Run(), new ServingCluster(Single(true)).Run());
    }

    [Fact]
    public void Macro_steps_give_exactly_the_outcome_of_one_event_per_iteration_when_handed_over_in_process()
    {
        ServingResult fast = new ServingCluster(Offline(inProcess: true, macro: true, requests: 64)).Run();
        ServingResult slow = new ServingCluster(Offline(inProcess: true, macro: false, requests: 64)).Run();
        ServingClusterTests.AssertSameOutcome(slow, fast);
        Assert.True(fast.EventsFired < slow.EventsFired);
    }
}
