using System.Text.Json;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Studies;
using ClusterSim.Experiments.Tests.Files;

namespace ClusterSim.Experiments.Tests.Results;

public class ClusterPerfettoTraceTests
{
    [Fact]
    public void A_cluster_timeline_has_a_process_per_pool_job_slices_that_tile_its_life_and_deployment_counters()
    {
        Experiment experiment = ExperimentLoader.Parse(ClusterSectionTests.Valid, "cluster.yaml");
        ExperimentPoint point = experiment.Points[0];
        Timeline timeline = point.Study.Timeline(point, double.NaN, seed: 3)!;
        JsonElement[] events = [.. JsonDocument.Parse(timeline.Json()).RootElement.GetProperty("traceEvents").EnumerateArray()];

        Assert.Equal(2, events.Count(e => e.GetProperty("name").GetString() == "process_name"));
        var pretrain = events.Where(e => e.GetProperty("ph").GetString() == "X" && e.GetProperty("tid").GetInt32() == 1).ToList();
        Assert.NotEmpty(pretrain);
        Assert.Equal(0, pretrain[0].GetProperty("ts").GetDouble());
        for (int k = 1; k < pretrain.Count; k++)
        {
            // Phases follow each other without gaps until the job finishes.
            Assert.Equal(pretrain[k - 1].GetProperty("ts").GetDouble() + pretrain[k - 1].GetProperty("dur").GetDouble(), pretrain[k].GetProperty("ts").GetDouble(), 1e-3);
        }

        Assert.Contains(events, e => e.GetProperty("ph").GetString() == "C" && e.GetProperty("name").GetString() == "chat accelerators");
    }
}
