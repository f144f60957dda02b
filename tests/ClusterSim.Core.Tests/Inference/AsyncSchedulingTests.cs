using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.Routing;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Inference;

/// <summary>
/// Async scheduling (the engine forms step n + 1 while step n runs): a request that arrives while a step runs joins the
/// step after the next, an idle engine takes it at once, and stretches of iterations keep giving exactly what stepping
/// one iteration at a time gives.
/// </summary>
public class AsyncSchedulingTests
{
    private static ServingResult Run(ServingScenario scenario) => new ServingCluster(scenario).Run();

    [Theory]
    [InlineData(SchedulerKind.ChunkedPrefill, 30.0)]
    [InlineData(SchedulerKind.ChunkedPrefill, 60.0)]
    [InlineData(SchedulerKind.Continuous, 30.0)]
    [InlineData(SchedulerKind.WholePrompts, 30.0)]
    public void Macro_steps_give_exactly_the_outcome_of_one_event_per_iteration(SchedulerKind kind, double rate)
    {
        ServingResult fast = Run(ServingScenarios.AsyncScheduled(ServingScenarios.Poisson(rate, 2000, kind, macro: true)));
        ServingResult slow = Run(ServingScenarios.AsyncScheduled(ServingScenarios.Poisson(rate, 2000, kind, macro: false)));

        ServingClusterTests.AssertSameOutcome(slow, fast);
        Assert.True(fast.EventsFired < slow.EventsFired, $"macro-steps should save events ({fast.EventsFired} vs {slow.EventsFired})");
    }

    [Theory]
    [InlineData(4.0, 1, RouterKind.LeastOutstanding)]
    [InlineData(20.0, 3, RouterKind.KvAware)]
    public void Prefill_stretches_of_several_prompts_give_exactly_the_outcome_of_one_event_per_iteration(double rate, int replicas, RouterKind router)
    {
        ServingResult fast = Run(ServingScenarios.AsyncScheduled(ServingScenarios.MixedPromptsChunked(rate, 1500, macro: true, replicas, router)));
        ServingResult slow = Run(ServingScenarios.AsyncScheduled(ServingScenarios.MixedPromptsChunked(rate, 1500, macro: false, replicas, router)));

        ServingClusterTests.AssertSameOutcome(slow, fast);
        Assert.True(fast.EventsFired < slow.EventsFired);
    }

    [Theory]
    [InlineData(SchedulerKind.ChunkedPrefill, 10.0)]
    [InlineData(SchedulerKind.ChunkedPrefill, 30.0)]
    [InlineData(SchedulerKind.Continuous, 30.0)]
    public void A_stretch_runs_through_the_step_that_admits_an_arrival_so_async_scheduling_costs_no_event(SchedulerKind kind, double rate)
    {
        // An arrival during a stretch joins at the end of the step after the one it lands in (that step was formed without
        // it): the stretch runs through that step and ends where the arrival is admitted, one event as without async
        // scheduling, where it joins at the end of the step it lands in. Cutting the stretch at the arrival's own step
        // would cost an event more per arrival (the step that follows, alone).
        ServingResult sync = Run(ServingScenarios.Poisson(rate, 3000, kind));
        ServingResult async = Run(ServingScenarios.AsyncScheduled(ServingScenarios.Poisson(rate, 3000, kind)));

        double syncPerRequest = sync.EventsFired / (double)sync.Metrics.Completed;
        double asyncPerRequest = async.EventsFired / (double)async.Metrics.Completed;
        Assert.True(asyncPerRequest <= syncPerRequest * 1.05, $"async scheduling fires {asyncPerRequest:F2} events a request against {syncPerRequest:F2} without it");
    }

    [Fact]
    public void Vidurs_long_prompts_give_exactly_the_outcome_of_one_event_per_iteration()
    {
        ServingResult fast = Run(ServingScenarios.AsyncScheduled(ServingScenarios.LongPromptsChunked(1.5, 600, macro: true)));
        ServingResult slow = Run(ServingScenarios.AsyncScheduled(ServingScenarios.LongPromptsChunked(1.5, 600, macro: false)));

        ServingClusterTests.AssertSameOutcome(slow, fast);
    }

    [Theory]
    [InlineData(SchedulerKind.ChunkedPrefill, 5.0)]
    [InlineData(SchedulerKind.Continuous, 20.0)]
    public void Clients_give_up_at_the_same_instants_with_macro_steps(SchedulerKind kind, double timeout)
    {
        // Overloaded and short of KV, as in the synchronous test: a late request and an expired one meet at the queue's
        // head, and stretches must stop where stepping drops or admits them.
        ServingDeployment tight = ServingScenarios.Llama8bOnH100 with { MemoryReserve = 0.85 };
        ServingScenario Scenario(bool macro) => ServingScenarios.AsyncScheduled(ServingScenarios.Poisson(60, 2000, kind, macro: macro, deployment: tight) with { ClientTimeoutSeconds = timeout });
        ServingResult fast = Run(Scenario(true));
        ServingResult slow = Run(Scenario(false));

        Assert.True(slow.Metrics.Dropped > 100, $"only {slow.Metrics.Dropped} clients gave up");
        ServingClusterTests.AssertSameOutcome(slow, fast);
    }

    [Fact]
    public void An_arrival_during_a_busy_step_waits_about_one_step_more_for_its_first_token()
    {
        // At 30 req/s the replica is always busy: every arrival lands in a running step, and the step after it was formed
        // without it. Its first token comes one step later, about one inter-token gap on average; decoding is unchanged.
        ServingResult sync = Run(ServingScenarios.Poisson(30, 3000));
        ServingResult async = Run(ServingScenarios.AsyncScheduled(ServingScenarios.Poisson(30, 3000)));

        double step = sync.Metrics.InterToken.Mean;
        double added = async.Metrics.Ttft.Mean - sync.Metrics.Ttft.Mean;
        Assert.InRange(added, 0.6 * step, 1.4 * step);
        Assert.Equal(sync.Metrics.InterToken.Mean, async.Metrics.InterToken.Mean, 0.02 * step);
    }

    [Fact]
    public void An_idle_engine_takes_a_request_at_once()
    {
        // One request every 100 s on average, each served in about two: a request that finds the replica idle gets its
        // first token exactly when it would without async scheduling; only the few that land on a busy step wait longer.
        var sync = new FirstTokens();
        var async = new FirstTokens();
        Run(ServingScenarios.Poisson(0.01, 200) with { Observer = sync });
        Run(ServingScenarios.AsyncScheduled(ServingScenarios.Poisson(0.01, 200)) with { Observer = async });

        Assert.Equal(sync.Ttft.Keys.Order(), async.Ttft.Keys.Order());
        int later = sync.Ttft.Count(r => async.Ttft[r.Key] != r.Value);
        Assert.All(sync.Ttft, r => Assert.True(async.Ttft[r.Key] >= r.Value));
        Assert.InRange(later, 1, 10);   // about λ·E2E ≈ 2 % of 200 find the replica busy
    }

    /// <summary>Each request's time to first token, by its arrival time (the same seed gives the same arrivals).</summary>
    private sealed class FirstTokens : IServingObserver
    {
        public Dictionary<long, long> Ttft { get; } = [];

        public void OnIterations(int replica, long start, long end, int iterations, int sequences)
        {
        }

        public void OnRequest(int replica, long arrival, long firstToken, long end, int prompt, int output) => Ttft.Add(arrival, firstToken - arrival);
    }

    [Fact]
    public void A_request_that_arrives_in_the_last_step_of_an_emptying_batch_is_not_left_waiting()
    {
        // At 2 req/s the batch often drains to nothing; a request that came during its last step must start at its end
        // (the engine has nothing else to run), not wait in the queue for the next arrival to wake the replica.
        ServingResult async = Run(ServingScenarios.AsyncScheduled(ServingScenarios.Poisson(2, 2000)));
        ServingResult sync = Run(ServingScenarios.Poisson(2, 2000));

        Assert.Equal(2000, async.Metrics.Completed);
        Assert.True(async.Metrics.Ttft.Max < sync.Metrics.Ttft.Max + (2 * sync.Metrics.InterToken.Max), $"TTFT max {async.Metrics.Ttft.Max} s against {sync.Metrics.Ttft.Max} s without async scheduling");
    }
}
