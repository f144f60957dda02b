using ClusterSim.Core.Engine;
using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.Workload;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Inference;

/// <summary>
/// Request classes and vLLM's priority scheduling policy: the waiting queue by (priority, arrival), the least urgent running
/// sequence preempted first. Held to Cobham's non-preemptive priority formulas on a one-sequence server (an M/D/1 queue),
/// and to what the classes must not change.
/// </summary>
public class PrioritySchedulingTests
{
    private static readonly RequestClass[] TwoClasses = [new("urgent", 0.5, 0), new("batch", 0.5, 1)];

    /// <summary>
    /// One sequence at a time with fixed lengths and synchronous scheduling: every request takes the same service time D
    /// from admission to its last token, so the replica is an M/D/1 queue (the front end's latency shifts every arrival alike).
    /// </summary>
    private static ServingScenario OneAtATime(double rate, int requests, SchedulingPolicy policy, IReadOnlyList<RequestClass> classes) => new()
    {
        Replicas = [new ReplicaGroup(ServingScenarios.Llama8bOnH100, new SchedulerOptions { MaxSequences = 1, MaxBatchedTokens = 4096, AsyncScheduling = false, Policy = policy })],
        Workload = s => RequestSource.Open(ArrivalProcess.Poisson(rate), TokenLengths.Fixed(256), TokenLengths.Fixed(32), s),
        MaxRequests = requests,
        Classes = classes,
        Seed = 11,
    };

    [Fact]
    public void Non_preemptive_priority_waits_follow_Cobhams_formula_on_an_MD1_server()
    {
        // Alone, a request's E2E is the front end's latency and its service time D; in a queue, TTFT less its TTFT alone is
        // its wait W.
        ServingResult alone = new ServingCluster(OneAtATime(0.01, 1, SchedulingPolicy.Fcfs, [])).Run();
        double ttftAlone = alone.Metrics.Ttft.Mean;
        double service = alone.Metrics.EndToEnd.Mean - SimTime.ToSeconds(new StepTimeModel(ServingScenarios.Llama8bOnH100).RequestOverheadNanos);
        const double rho = 0.8;
        double rate = rho / service;

        ServingResult fcfs = new ServingCluster(OneAtATime(rate, 40_000, SchedulingPolicy.Fcfs, TwoClasses)).Run();
        ServingResult priority = new ServingCluster(OneAtATime(rate, 40_000, SchedulingPolicy.Priority, TwoClasses)).Run();

        // Cobham: W_k = W0 / ((1 − σ_{k−1})(1 − σ_k)), W0 = λ E[S²] / 2 = ρ D / 2, σ_k the load of classes 1..k; FCFS: W0 / (1 − ρ).
        double w0 = rho * service / 2;
        double Wait(ClassMetrics c) => c.Ttft.Mean - ttftAlone;
        AssertWithin(w0 / (1 - rho), fcfs.Metrics.Ttft.Mean - ttftAlone, 0.05, "FCFS wait (M/D/1)");
        AssertWithin(w0 / (1 - (rho / 2)), Wait(priority.Metrics.Classes![0]), 0.05, "urgent class wait");
        AssertWithin(w0 / ((1 - (rho / 2)) * (1 - rho)), Wait(priority.Metrics.Classes![1]), 0.05, "batch class wait");

        // Under FCFS the classes wait alike; the work served is the same either way.
        AssertWithin(Wait(fcfs.Metrics.Classes![0]), Wait(fcfs.Metrics.Classes![1]), 0.05, "FCFS: both classes");
        Assert.Equal(fcfs.Metrics.Completed, priority.Metrics.Completed);
        Assert.Equal(fcfs.Metrics.OutputTokens, priority.Metrics.OutputTokens);
    }

    [Fact]
    public void Classes_leave_every_other_figure_of_a_run_unchanged()
    {
        // Each request's class comes from a stream of its own, and FCFS ignores priorities.
        ServingScenario plain = ServingScenarios.Poisson(30, 3000);
        ServingResult without = new ServingCluster(plain).Run();
        ServingResult with = new ServingCluster(plain with { Classes = TwoClasses }).Run();
        var a = without.Scalars().ToList();
        var b = with.Scalars().Where(s => !s.Name.StartsWith("class.", StringComparison.Ordinal)).ToList();
        Assert.Equal(a, b);
        Assert.Equal(with.Metrics.Completed, with.Metrics.Classes!.Sum(c => c.Completed));
        Assert.InRange(with.Metrics.Classes![0].Completed / (double)with.Metrics.Completed, 0.47, 0.53);   // shares of 0.5 over 3,000 draws
    }

    [Fact]
    public void The_priority_policy_with_equal_priorities_and_no_preemption_is_FCFS()
    {
        ServingScenario fcfs = ServingScenarios.Poisson(45, 3000) with { Classes = [new("a", 0.4, 3), new("b", 0.6, 3)] };
        ServingScenario priority = fcfs with { Replicas = [fcfs.Replicas[0] with { Scheduler = fcfs.Replicas[0].Scheduler with { Policy = SchedulingPolicy.Priority } }] };
        ServingResult a = new ServingCluster(fcfs).Run(), b = new ServingCluster(priority).Run();
        Assert.Equal(0, a.Metrics.Preemptions);
        Assert.Equal(a.Scalars(), b.Scalars());
    }

    [Fact]
    public void When_the_KV_cache_runs_out_the_least_urgent_class_is_preempted()
    {
        // A cache of some 20,000 tokens for 256 sequences of up to 1,000 tokens each: decoding sequences outgrow it.
        ServingDeployment d = ServingScenarios.Llama8bOnH100;
        double reserve = 1 - ((d.WeightBytes + (20_000 * d.KvBytesPerToken)) / d.Accelerators + d.RuntimeBytesPerAccelerator) / d.Accelerator.MemoryBytes;
        ServingScenario Run(SchedulingPolicy policy) => new()
        {
            Replicas = [new ReplicaGroup(d with { MemoryReserve = Math.Round(reserve, 3) }, new SchedulerOptions { MaxSequences = 256, Policy = policy })],
            Workload = s => RequestSource.Open(ArrivalProcess.Poisson(40), TokenLengths.LogNormalFromMeanMedian(300, 200, 1000), TokenLengths.LogNormalFromMeanMedian(300, 200, 1000), s),
            MaxRequests = 3000,
            Classes = [new("urgent", 0.3, 0), new("batch", 0.7, 5)],
            Seed = 3,
        };

        ServingResult fcfs = new ServingCluster(Run(SchedulingPolicy.Fcfs)).Run();
        ServingResult priority = new ServingCluster(Run(SchedulingPolicy.Priority)).Run();
        Assert.True(fcfs.Conserved && priority.Conserved);
        ClassMetrics[] f = [.. fcfs.Metrics.Classes!], p = [.. priority.Metrics.Classes!];
        Assert.True(f[0].Preemptions > 50 && f[1].Preemptions > 50, $"FCFS preempts both classes (urgent {f[0].Preemptions}, batch {f[1].Preemptions})");
        Assert.True(p[1].Preemptions > 50, $"priority preempts the batch class ({p[1].Preemptions})");
        Assert.True(p[0].Preemptions * 20 < p[1].Preemptions, $"and the urgent class hardly ever (urgent {p[0].Preemptions}, batch {p[1].Preemptions})");
        Assert.True(p[0].Ttft.Quantile(0.5) < f[0].Ttft.Quantile(0.5) / 2, $"urgent TTFT p50 {p[0].Ttft.Quantile(0.5):F3} s against {f[0].Ttft.Quantile(0.5):F3} s under FCFS");
        Assert.True(p[0].EndToEnd.Quantile(0.99) < f[0].EndToEnd.Quantile(0.99), "urgent E2E p99 shortens");
    }

    [Fact]
    public void A_traced_request_keeps_the_class_its_trace_names()
    {
        // Every third request is class 1, whatever the shares would draw.
        TraceRecord[] trace = [.. Enumerable.Range(0, 300).Select(i => new TraceRecord(i * 20_000_000L, 200, 20) { Class = i % 3 == 0 ? 1 : 0 })];
        ServingResult result = new ServingCluster(new ServingScenario
        {
            Replicas = [new ReplicaGroup(ServingScenarios.Llama8bOnH100, new SchedulerOptions())],
            Workload = _ => RequestSource.Trace(trace),
            MaxRequests = trace.Length,
            Classes = TwoClasses,
        }).Run();
        Assert.Equal(200, result.Metrics.Classes![0].Completed);
        Assert.Equal(100, result.Metrics.Classes![1].Completed);
    }

    [Fact]
    public void A_class_is_held_to_its_own_SLO_and_goodput_counts_each_request_against_its_class()
    {
        // Two classes served alike (FCFS), one held to a TTFT no request meets, the other to the scenario's lax bound.
        ServingScenario scenario = ServingScenarios.Poisson(20, 2000) with
        {
            Slo = new ServiceLevelObjective(60, 1),
            Classes = [new("strict", 0.5, 0) { Slo = new ServiceLevelObjective(1e-6, 1) }, new("lax", 0.5, 0)],
        };
        ServingResult result = new ServingCluster(scenario).Run();
        ClassMetrics strict = result.Metrics.Classes![0], lax = result.Metrics.Classes![1];
        Assert.Equal(0, strict.MeetingSlo);
        Assert.Equal(lax.Completed, lax.MeetingSlo);
        Assert.Equal(lax.MeetingSlo, result.Metrics.MeetingSlo);
    }

    [Fact]
    public void A_conversations_turns_and_a_requests_samples_are_of_its_class()
    {
        // Conversations of seven turns, all answered: each class completes a multiple of seven turns only if every turn
        // takes its conversation's class (drawn independently, both counts would be multiples of seven one time in 49).
        ServingScenario chat = ServingScenarios.Poisson(2, 700) with
        {
            Conversations = new ConversationOptions { Turns = 7, ThinkSeconds = 1, FollowUp = TokenLengths.Fixed(50) },
            Classes = [new("a", 0.3, 0), new("b", 0.7, 1)],
            Replicas = [ServingScenarios.Poisson(2, 700).Replicas[0] with { Scheduler = new SchedulerOptions { Policy = SchedulingPolicy.Priority } }],
        };
        ServingResult talked = new ServingCluster(chat).Run();
        Assert.Equal(talked.Metrics.Completed, talked.Metrics.Classes!.Sum(c => c.Completed));
        Assert.All(talked.Metrics.Classes!, c => Assert.True(c.Completed > 0 && c.Completed % 7 == 0, $"class {c.Class.Name}: {c.Completed} turns"));

        // Best-of-four: every sample of a request is of the request's class, so each class completes a multiple of four.
        ServingScenario sampled = ServingScenarios.Poisson(4, 600) with
        {
            TestTime = new Core.Inference.TestTime.TestTimeOptions { Policy = Core.Inference.TestTime.TestTimePolicy.BestOfN, Samples = 4 },
            Classes = [new("a", 0.3, 0), new("b", 0.7, 1)],
        };
        ServingResult best = new ServingCluster(sampled).Run();
        Assert.All(best.Metrics.Classes!, c => Assert.True(c.Completed > 0 && c.Completed % 4 == 0, $"class {c.Class.Name}: {c.Completed} samples"));
    }

    private static void AssertWithin(double expected, double actual, double tolerance, string what) =>
        Assert.True(Math.Abs(actual - expected) <= tolerance * Math.Abs(expected), $"{what}: expected {expected:G4} within {tolerance:P0}, got {actual:G4}");
}
