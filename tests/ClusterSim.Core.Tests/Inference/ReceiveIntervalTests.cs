using ClusterSim.Core.Engine;
using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.Workload;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Inference;

/// <summary>
/// SGLang's <c>--scheduler-recv-interval</c> on the replica: while the batch decodes, the scheduler reads newly arrived
/// requests once every N decode steps; after a step with a prompt, or with nothing to run, at once. A request that lands
/// between reads waits, unseen, for the next one.
/// </summary>
public class ReceiveIntervalTests
{
    private static ServingCluster Fleet(int interval, IReadOnlyList<TraceRecord> trace, bool async = false) => new(new ServingScenario
    {
        Replicas = [new ReplicaGroup(ServingScenarios.Llama8bOnH100, new SchedulerOptions { Kind = SchedulerKind.Continuous, ReceiveInterval = interval, AsyncScheduling = async })],
        Workload = _ => RequestSource.Trace(trace),
        MaxRequests = 100,
    });

    private static ServingResult Run(int interval, params TraceRecord[] trace) => Fleet(interval, trace).Run();

    private static StepTimeModel Model => new(ServingScenarios.Llama8bOnH100);

    private static double PrefillSeconds(int prompt) =>
        Model.Iteration(new BatchShape(prompt, BatchShape.PrefillAttention(prompt, 0), 0, 1)).Nanos / 1e9;

    [Fact]
    public void An_arrival_while_the_batch_decodes_waits_for_the_next_read()
    {
        // A's prompt fills one step (after it, a read); B lands one and a half decode steps later, inside A's second decode
        // step. Read every step, B is seen at that step's end; every eighth, at the eighth's: six of A's decode steps later.
        double step = Model.DecodeNanos(1, 150) / 1e9;
        long b = SimTime.FromSeconds(PrefillSeconds(100) + (1.5 * step));
        TraceRecord[] trace = [new(0, 100, 200), new(b, 100, 200)];

        ServingResult each = Run(1, trace), everyEighth = Run(8, trace);
        Assert.Equal(2, everyEighth.Metrics.Completed);
        Assert.Equal(each.Metrics.OutputTokens, everyEighth.Metrics.OutputTokens);
        double waited = everyEighth.Metrics.Ttft.Max - each.Metrics.Ttft.Max;
        Assert.InRange(waited, 5.9 * step, 6.1 * step);
        Assert.Equal(each.Metrics.Ttft.Sum - each.Metrics.Ttft.Max, everyEighth.Metrics.Ttft.Sum - everyEighth.Metrics.Ttft.Max, 9);   // A, alone at first, is read at once
    }

    [Fact]
    public void A_step_with_a_prompt_is_followed_by_a_read()
    {
        // B lands while A's prompt runs: the scheduler reads right after that step, as it would every step.
        TraceRecord[] trace = [new(0, 2000, 50), new(SimTime.FromSeconds(PrefillSeconds(2000) / 2), 100, 50)];
        ServingResult each = Run(1, trace), everyTenth = Run(10, trace);
        Assert.Equal(each.Metrics.Ttft.Max, everyTenth.Metrics.Ttft.Max);
        Assert.Equal(each.Metrics.EndToEnd.Mean, everyTenth.Metrics.EndToEnd.Mean);
    }

    [Fact]
    public void An_idle_engine_reads_at_once()
    {
        // A's five tokens are done long before B arrives to an empty engine.
        TraceRecord[] trace = [new(0, 100, 5), new(SimTime.FromSeconds(1), 100, 5)];
        ServingResult each = Run(1, trace), everyTenth = Run(10, trace);
        Assert.Equal(2, everyTenth.Metrics.Completed);
        Assert.Equal(each.Metrics.Ttft.Max, everyTenth.Metrics.Ttft.Max);
        Assert.Equal(each.Metrics.EndToEnd.Max, everyTenth.Metrics.EndToEnd.Max);
    }

    [Fact]
    public void With_async_scheduling_a_read_takes_what_came_before_the_step_was_formed()
    {
        // A step is formed while the one before runs, so B, landing inside A's second decode step, joins the fourth when
        // read every step (the third was formed without it). Read every eighth: the read forming the ninth step, as the
        // eighth began, finds it: five steps later.
        double step = Model.DecodeNanos(1, 150) / 1e9;
        long b = SimTime.FromSeconds(PrefillSeconds(100) + (1.5 * step));
        TraceRecord[] trace = [new(0, 100, 200), new(b, 100, 200)];
        ServingResult each = Fleet(1, trace, async: true).Run(), everyEighth = Fleet(8, trace, async: true).Run();
        Assert.Equal(2, everyEighth.Metrics.Completed);
        double waited = everyEighth.Metrics.Ttft.Max - each.Metrics.Ttft.Max;
        Assert.InRange(waited, 4.9 * step, 5.1 * step);
    }

    [Fact]
    public void Under_load_every_request_is_served_later_and_the_books_hold_after_every_event()
    {
        ServingScenario Load(int interval) => ServingScenarios.Poisson(30, 1500, SchedulerKind.Continuous) with
        {
            Replicas = [new ReplicaGroup(ServingScenarios.Llama8bOnH100, new SchedulerOptions { Kind = SchedulerKind.Continuous, MaxSequences = 128, MaxBatchedTokens = 4096, ReceiveInterval = interval })],
        };

        var fleet = new ServingCluster(Load(30));
        fleet.Simulator.Trace = new Engine.CheckEveryEvent(fleet.AssertInvariants);
        ServingResult gated = fleet.Run();
        ServingResult each = new ServingCluster(Load(1)).Run();
        Assert.True(gated.Conserved);
        Assert.Equal(1500, gated.Metrics.Completed);
        Assert.Equal(each.Metrics.OutputTokens, gated.Metrics.OutputTokens);
        Assert.True(gated.Metrics.Ttft.Mean > each.Metrics.Ttft.Mean + (5 * gated.Metrics.Tpot.Mean), $"{gated.Metrics.Ttft.Mean} vs {each.Metrics.Ttft.Mean}");
    }

    [Fact]
    public void A_read_every_step_or_fewer_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new SchedulerOptions { ReceiveInterval = 0 }.Validated());
        Assert.Contains("at least 1", e.Message, StringComparison.Ordinal);
    }
}
