using ClusterSim.Core.Metrics;
using ClusterSim.Core.Catalog;
using ClusterSim.Core.Engine;
using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.Routing;
using ClusterSim.Core.Inference.Workload;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Inference;

public class ServingClusterTests
{
    [Theory]
    [InlineData(SchedulerKind.Continuous)]
    [InlineData(SchedulerKind.ChunkedPrefill)]
    [InlineData(SchedulerKind.Static)]
    [InlineData(SchedulerKind.WholePrompts)]
    public void Every_arrived_request_is_finished_dropped_or_in_flight(SchedulerKind kind)
    {
        ServingResult result = new ServingCluster(ServingScenarios.Poisson(20, 3000, kind)).Run();
        Assert.True(result.Conserved);
        Assert.Equal(0, result.InFlightAtEnd);
        Assert.Equal(3000, result.Metrics.Completed + result.Metrics.Dropped);
    }

    [Theory]
    [InlineData(SchedulerKind.Continuous, 30.0)]
    [InlineData(SchedulerKind.ChunkedPrefill, 30.0)]
    [InlineData(SchedulerKind.ChunkedPrefill, 60.0)]
    [InlineData(SchedulerKind.Static, 10.0)]
    [InlineData(SchedulerKind.WholePrompts, 30.0)]
    public void Macro_steps_give_exactly_the_outcome_of_one_event_per_iteration(SchedulerKind kind, double rate)
    {
        ServingResult fast = new ServingCluster(ServingScenarios.Poisson(rate, 2000, kind, macro: true)).Run();
        ServingResult slow = new ServingCluster(ServingScenarios.Poisson(rate, 2000, kind, macro: false)).Run();

        AssertSameOutcome(slow, fast);
        Assert.True(fast.EventsFired < slow.EventsFired, $"macro-steps should save events ({fast.EventsFired} vs {slow.EventsFired})");
    }

    [Fact]
    public void Macro_steps_give_exactly_the_outcome_of_one_event_per_iteration_with_sliding_window_layers()
    {
        // Gemma 3 12B: 40 of 48 layers attend over 1,024 tokens, and these contexts cross it, so a stretch's vector timing
        // and a single iteration's must agree past the window too.
        ServingDeployment gemma = SimCatalog.Default.Deployment("gemma-3-12b", "H100-SXM", weights: Precision.FP8);
        ServingResult fast = new ServingCluster(ServingScenarios.Poisson(12, 1500, deployment: gemma, macro: true)).Run();
        ServingResult slow = new ServingCluster(ServingScenarios.Poisson(12, 1500, deployment: gemma, macro: false)).Run();
        AssertSameOutcome(slow, fast);
        Assert.True(fast.EventsFired < slow.EventsFired, $"macro-steps should save events ({fast.EventsFired} vs {slow.EventsFired})");
    }

    [Theory]
    [InlineData(RouterKind.KvAware)]
    [InlineData(RouterKind.PowerOfTwo)]
    public void Routers_that_read_free_KV_see_within_a_macro_step_what_stepping_would_show(RouterKind router)
    {
        // Three replicas under load: arrivals land while other replicas are in the middle of a macro-step, and a router
        // reading their free blocks must see the growth of the iterations already over, as it would stepping.
        ServingResult fast = new ServingCluster(ServingScenarios.Poisson(75, 3000, SchedulerKind.ChunkedPrefill, replicas: 3, router: router, macro: true)).Run();
        ServingResult slow = new ServingCluster(ServingScenarios.Poisson(75, 3000, SchedulerKind.ChunkedPrefill, replicas: 3, router: router, macro: false)).Run();
        AssertSameOutcome(slow, fast);   // replicas' gaps interleave differently; the exact inter-token sum does not care
        Assert.True(fast.EventsFired < slow.EventsFired);
    }

    [Theory]
    [InlineData(0.3, 2048, 512, 3.0)]   // Vidur's own load: a prompt's four chunks mostly run beside decodes alone
    [InlineData(1.5, 2048, 512, 1.5)]   // arrivals land mid-prompt: stretches cut short, and prompts queue behind prompts
    [InlineData(0.8, 1500, 2, 1.1)]     // two output tokens: stretches of two iterations end mid-prompt
    [InlineData(0.8, 700, 300, 3.0)]    // 700 tokens: a full chunk and a short last one
    public void Prefill_stretches_give_exactly_the_outcome_of_one_event_per_iteration(double rate, int prompt, int output, double saving)
    {
        ServingResult fast = new ServingCluster(ServingScenarios.LongPromptsChunked(rate, 600, macro: true, prompt, output)).Run();
        ServingResult slow = new ServingCluster(ServingScenarios.LongPromptsChunked(rate, 600, macro: false, prompt, output)).Run();

        AssertSameOutcome(slow, fast);
        Assert.True(fast.EventsFired * saving < slow.EventsFired, $"stretches should save events ({fast.EventsFired} vs {slow.EventsFired})");
    }

    [Theory]
    [InlineData(4.0, 1, RouterKind.LeastOutstanding)]    // prompts queue behind prompts and share the budget
    [InlineData(12.0, 1, RouterKind.LeastOutstanding)]   // near saturation: stretches cut short, KV tight
    [InlineData(20.0, 3, RouterKind.KvAware)]            // routers read free blocks inside stretches of several prompts
    public void Stretches_of_several_prompts_give_exactly_the_outcome_of_one_event_per_iteration(double rate, int replicas, RouterKind router)
    {
        ServingResult fast = new ServingCluster(ServingScenarios.MixedPromptsChunked(rate, 1500, macro: true, replicas, router)).Run();
        ServingResult slow = new ServingCluster(ServingScenarios.MixedPromptsChunked(rate, 1500, macro: false, replicas, router)).Run();

        AssertSameOutcome(slow, fast);
        Assert.True(fast.EventsFired * 1.3 < slow.EventsFired, $"stretches should save events ({fast.EventsFired} vs {slow.EventsFired})");
    }

    [Theory]
    [InlineData(SchedulerKind.ChunkedPrefill, 5.0)]
    [InlineData(SchedulerKind.Continuous, 20.0)]
    public void Clients_give_up_at_the_same_instants_with_macro_steps(SchedulerKind kind, double timeout)
    {
        // Overloaded and short of KV: the queue's head waits behind a full cache while the batch decodes in stretches.
        // Stepping drops it at the first iteration that starts after its client gave up, and may admit the next; a
        // stretch must stop there too.
        ServingDeployment tight = ServingScenarios.Llama8bOnH100 with { MemoryReserve = 0.85 };
        ServingScenario Scenario(bool macro) => ServingScenarios.Poisson(60, 2000, kind, macro: macro, deployment: tight) with { ClientTimeoutSeconds = timeout };
        ServingResult fast = new ServingCluster(Scenario(true)).Run();
        ServingResult slow = new ServingCluster(Scenario(false)).Run();

        Assert.True(slow.Metrics.Dropped > 100, $"only {slow.Metrics.Dropped} clients gave up");
        AssertSameOutcome(slow, fast);
        Assert.True(fast.EventsFired < slow.EventsFired);
    }

    /// <summary>
    /// Every figure a run reports (its scalars, to the last bit; the event count aside, which is what macro-steps save) and
    /// every sampled series: stepping one iteration at a time and macro-steps must tell the same story.
    /// </summary>
    internal static void AssertSameOutcome(ServingResult stepping, ServingResult macro)
    {
        var expected = stepping.Scalars().Where(s => s.Name != "events").ToList();
        var actual = macro.Scalars().Where(s => s.Name != "events").ToList();
        Assert.Equal(expected.Select(s => s.Name), actual.Select(s => s.Name));
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.True(expected[i].Value.Equals(actual[i].Value), $"{expected[i].Name}: {expected[i].Value} stepping one iteration at a time, {actual[i].Value} with macro-steps");
        }

        Assert.Equal(stepping.Metrics.Iterations, macro.Metrics.Iterations);
        Assert.Equal(stepping.Metrics.InterToken.Count, macro.Metrics.InterToken.Count);
        Assert.Equal(stepping.Metrics.ComputeBoundNanos, macro.Metrics.ComputeBoundNanos);
        AssertSameSeries(stepping, macro);
    }

    /// <summary>Every sampled series (queue, running sequences, KV occupancy sampled inside a macro-step, latency windows) to the last bit.</summary>
    internal static void AssertSameSeries(ServingResult expected, ServingResult actual)
    {
        SeriesTable a = expected.Series(), b = actual.Series();
        Assert.Equal(a.TimeSeconds, b.TimeSeconds);
        foreach (SeriesColumn column in a.Columns)
        {
            IReadOnlyList<double> other = b.Column(column.Name).Values;
            for (int i = 0; i < column.Values.Count; i++)
            {
                Assert.True(column.Values[i].Equals(other[i]), $"{column.Name} at {a.TimeSeconds[i]} s: {column.Values[i]} stepping one iteration at a time, {other[i]} with macro-steps");
            }
        }
    }

    [Fact]
    public void A_lone_request_takes_one_prefill_and_output_minus_one_decode_iterations()
    {
        var deployment = ServingScenarios.Llama8bOnH100;
        var model = new StepTimeModel(deployment);
        var scenario = new ServingScenario
        {
            Replicas = [new ReplicaGroup(deployment, new SchedulerOptions())],
            Workload = s => RequestSource.ClosedLoop(1, 0, TokenLengths.Fixed(1000), TokenLengths.Fixed(200), s),
            MaxRequests = 1,
        };
        ServingResult result = new ServingCluster(scenario).Run();

        long prefill = model.Iteration(new BatchShape(1000, BatchShape.PrefillAttention(1000, 0), 0, 1)).Nanos;
        long decodes = 0;
        for (int generated = 1; generated < 200; generated++)
        {
            decodes += model.DecodeNanos(1, 1000 + generated);
        }

        // The front end's latency comes first, then one prefill iteration, then output - 1 decode iterations.
        long frontEnd = model.RequestOverheadNanos;
        Assert.True(frontEnd > 0);
        Assert.Equal(SimTime.ToSeconds(frontEnd + prefill), result.Metrics.Ttft.Sum, 12);
        Assert.Equal(SimTime.ToSeconds(frontEnd + prefill + decodes), result.Metrics.EndToEnd.Sum, 12);
        // Batch-1 decode of an 8B FP8 model is memory-bound: ~8 GB of weights over 3.35 TB/s x 0.82, plus the step overhead.
        Assert.InRange(result.Metrics.Tpot.Mean, 0.0040, 0.0060);
    }

    [Fact]
    public void Clients_that_time_out_leave_the_queue_and_late_answers_do_not_count()
    {
        // Twice the replica's capacity for 60 s, clients giving up after 20 s.
        ServingScenario scenario = ServingScenarios.Poisson(120, 7200) with { ClientTimeoutSeconds = 20 };
        ServingResult result = new ServingCluster(scenario).Run();

        Assert.True(result.Conserved);
        Assert.True(result.Metrics.TimedOut > 1000, $"{result.Metrics.TimedOut} timed out");
        Assert.True(result.Metrics.EndToEnd.Max <= 20, $"a counted answer took {result.Metrics.EndToEnd.Max} s");
        Assert.InRange(result.Metrics.Completed + result.Metrics.Dropped, 3000, 7200);
        Assert.Contains(result.Scalars(), s => s.Name == "requests_timed_out" && s.Value == result.Metrics.TimedOut);

        ServingResult patient = new ServingCluster(ServingScenarios.Poisson(120, 7200)).Run();
        Assert.Equal(0, patient.Metrics.TimedOut);
        Assert.DoesNotContain(patient.Scalars(), s => s.Name == "requests_timed_out");
    }

    [Fact]
    public void Below_saturation_throughput_equals_the_offered_load()
    {
        ServingResult result = new ServingCluster(ServingScenarios.Poisson(10, 6000)).Run();
        Assert.InRange(result.RequestsPerSecond, 10 * 0.96, 10 * 1.04);

        // At a trickle the replica idles between requests: busy share ≈ rate x mean service time (about 1.2 s).
        ServingResult trickle = new ServingCluster(ServingScenarios.Poisson(0.1, 400)).Run();
        Assert.InRange(trickle.Utilisation, 0.05, 0.3);
    }

    [Fact]
    public void Same_seed_gives_the_same_results_and_another_seed_differs()
    {
        double Run(long seed) => new ServingCluster(ServingScenarios.Poisson(25, 1500, seed: seed)).Run().Metrics.EndToEnd.Sum;
        Assert.Equal(Run(5), Run(5));
        Assert.NotEqual(Run(5), Run(6));
    }

    [Fact]
    public void Burstier_arrivals_raise_tail_latency_at_the_same_mean_rate()
    {
        double P99(ArrivalProcess arrivals) => new ServingCluster(ServingScenarios.Poisson(40, 6000, arrivals: arrivals)).Run().Metrics.Ttft.Quantile(0.99);
        Assert.True(P99(ArrivalProcess.Gamma(40, 4)) > 1.5 * P99(ArrivalProcess.Poisson(40)));
    }

    [Fact]
    public void Static_batching_waits_longer_than_continuous_batching()
    {
        double MeanTtft(SchedulerKind kind) => new ServingCluster(ServingScenarios.Poisson(15, 2000, kind)).Run().Metrics.Ttft.Mean;
        Assert.True(MeanTtft(SchedulerKind.Static) > 2 * MeanTtft(SchedulerKind.ChunkedPrefill));
    }

    [Fact]
    public void A_small_kv_cache_preempts_by_recompute_and_still_finishes_everything()
    {
        var tight = ServingScenarios.Llama8bOnH100 with { MemoryReserve = 0.87 };
        ServingResult result = new ServingCluster(ServingScenarios.Poisson(60, 2000, deployment: tight)).Run();
        Assert.True(result.Metrics.Preemptions > 0);
        Assert.True(result.Conserved);
        Assert.Equal(2000, result.Metrics.Completed + result.Metrics.Dropped);
    }

    [Fact]
    public void A_model_that_does_not_fit_is_a_clear_error()
    {
        var deployment = ServingScenarios.Llama8bOnH100 with { Model = SimCatalog.Default.Models.Get("llama-3.1-405b") };
        var error = Assert.Throws<ArgumentException>(() => deployment.Validated());
        Assert.Contains("llama-3.1-405b does not fit", error.Message);
        Assert.Contains("use at least", error.Message);
    }

    [Fact]
    public void Trace_replay_serves_every_record_at_its_time()
    {
        TraceRecord[] trace = [new(0, 100, 10), new(SimTime.FromSeconds(1), 200, 20), new(SimTime.FromSeconds(2), 300, 30)];
        var scenario = new ServingScenario
        {
            Replicas = [new ReplicaGroup(ServingScenarios.Llama8bOnH100, new SchedulerOptions())],
            Workload = _ => RequestSource.Trace(trace),
            MaxRequests = 100,
        };
        ServingResult result = new ServingCluster(scenario).Run();
        Assert.Equal(3, result.Metrics.Completed);
        Assert.Equal(600, result.Metrics.PromptTokens);
        Assert.Equal(60, result.Metrics.OutputTokens);
        Assert.InRange(result.DurationSeconds, 2.0, 2.5);
    }
}
