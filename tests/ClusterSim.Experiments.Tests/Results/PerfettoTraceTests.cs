using System.Text.Json;
using ClusterSim.Core.Inference;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Results;
using ClusterSim.Experiments.Studies;
using ClusterSim.Experiments.Tests.Files;

namespace ClusterSim.Experiments.Tests.Results;

public class PerfettoTraceTests
{
    [Fact]
    public void The_trace_holds_every_iteration_and_request_as_well_formed_events()
    {
        Experiment experiment = ExperimentLoader.Parse(ExperimentLoaderTests.Valid, "exp.yaml");
        var recorder = new ServingTraceRecorder();
        ServingResult result = new ServingCluster(ServingStudy.Scenario(experiment.Points[0].Serving!, 10, 1) with { Observer = recorder }).Run();

        Assert.Equal(result.Metrics.Completed, recorder.Requests.Count);
        Assert.Equal(result.Metrics.Iterations, recorder.Iterations.Sum(i => (long)i.Iterations));
        Assert.Equal(result.Metrics.BusyNanos, recorder.Iterations.Sum(i => i.End - i.Start));

        using JsonDocument doc = JsonDocument.Parse(PerfettoTrace.Json(recorder));
        var events = doc.RootElement.GetProperty("traceEvents").EnumerateArray().ToList();
        Assert.Equal(recorder.Iterations.Count, events.Count(e => e.GetProperty("ph").GetString() == "X"));
        Assert.Equal(2 * recorder.Requests.Count, events.Count(e => e.GetProperty("ph").GetString() == "b"));
        Assert.Equal(2 * recorder.Requests.Count, events.Count(e => e.GetProperty("ph").GetString() == "e"));
        Assert.All(events.Where(e => e.GetProperty("ph").GetString() == "X"), e => Assert.True(e.GetProperty("dur").GetDouble() > 0));
    }
}
