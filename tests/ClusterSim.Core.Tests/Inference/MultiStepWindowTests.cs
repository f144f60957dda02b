using ClusterSim.Core.Engine;
using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.Workload;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Inference;

/// <summary>
/// vLLM V0's multi-step windows on the replica: a scheduling pass that forms a decode step forms the next N of them, so a
/// request arriving inside a window waits for its end to be admitted.
/// </summary>
public class MultiStepWindowTests
{
    private static ServingResult Run(int multiStep, params TraceRecord[] trace) => new ServingCluster(new ServingScenario
    {
        Replicas = [new ReplicaGroup(ServingScenarios.Llama8bOnH100 with { MultiStep = multiStep }, new SchedulerOptions { Kind = SchedulerKind.Continuous })],
        Workload = _ => RequestSource.Trace(trace),
        MaxRequests = 100,
    }).Run();

    [Fact]
    public void An_arrival_inside_a_window_waits_for_its_end()
    {
        var model = new StepTimeModel(ServingScenarios.Llama8bOnH100 with { MultiStep = 8 });
        double step = model.DecodeNanos(1, 150) / 1e9;
        // A's prompt fills one step; B (behind the same front end) lands one and a half decode steps after A's window
        // began, so six and a half of its eight steps are still to run.
        double prefill = model.Iteration(new BatchShape(100, BatchShape.PrefillAttention(100, 0), 0, 1)).Nanos / 1e9;
        long b = SimTime.FromSeconds(prefill + (1.5 * step));
        TraceRecord[] trace = [new(0, 100, 200), new(b, 100, 200)];

        ServingResult each = Run(1, trace), windowed = Run(8, trace);
        Assert.Equal(2, windowed.Metrics.Completed);
        double waited = windowed.Metrics.Ttft.Max - each.Metrics.Ttft.Max;
        // Scheduled every step, B joins at the end of the step it lands in (half a step, each a step's host work longer);
        // in a window, at the end of the window's eighth: some 6.5 − 0.5 × 1.3 steps more.
        Assert.InRange(waited, 5 * step, 7 * step);
    }

    [Fact]
    public void An_idle_replica_admits_at_once_whatever_window_it_left()
    {
        // A's five tokens end inside its first window; B arrives a second later to an empty batch and starts at once.
        TraceRecord[] trace = [new(0, 100, 5), new(SimTime.FromSeconds(1), 100, 5)];
        ServingResult each = Run(1, trace), windowed = Run(8, trace);
        Assert.Equal(2, windowed.Metrics.Completed);
        Assert.Equal(each.Metrics.Ttft.Max, windowed.Metrics.Ttft.Max);   // a prompt's step is scheduled on its own either way
        Assert.True(windowed.Metrics.EndToEnd.Max < each.Metrics.EndToEnd.Max);   // its decode steps pay less host work
    }

    [Fact]
    public void Busy_windows_serve_every_request_first_tokens_later_and_the_rest_faster()
    {
        ServingResult windowed = new ServingCluster(ServingScenarios.Poisson(30, 1500, SchedulerKind.Continuous, deployment: ServingScenarios.Llama8bOnH100 with { MultiStep = 10 })).Run();
        ServingResult each = new ServingCluster(ServingScenarios.Poisson(30, 1500, SchedulerKind.Continuous)).Run();
        Assert.Equal(1500, windowed.Metrics.Completed);
        Assert.Equal(each.Metrics.OutputTokens, windowed.Metrics.OutputTokens);
        // Arrivals wait for windows' ends (TTFT up), the steps pay less host work (TPOT down).
        Assert.True(windowed.Metrics.Ttft.Mean > each.Metrics.Ttft.Mean, $"{windowed.Metrics.Ttft.Mean} vs {each.Metrics.Ttft.Mean}");
        Assert.True(windowed.Metrics.Tpot.Mean < each.Metrics.Tpot.Mean, $"{windowed.Metrics.Tpot.Mean} vs {each.Metrics.Tpot.Mean}");
    }
}
