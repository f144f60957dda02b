using ClusterSim.Core.Inference;

namespace ClusterSim.Core.Tests.Inference;

public class ServingProgressTests
{
    /// <summary>Collects reports synchronously (the simulation calls it on its own thread).</summary>
    private sealed class Recorder : IProgress<double>
    {
        public List<double> Values { get; } = [];

        public void Report(double value) => Values.Add(value);
    }

    [Fact]
    public void A_run_reports_its_share_done_about_every_percent_without_changing_its_results()
    {
        var recorder = new Recorder();
        ServingScenario scenario = ServingScenarios.Poisson(20, 3000);
        ServingResult watched = new ServingCluster(scenario with { Progress = recorder }).Run();
        ServingResult unwatched = new ServingCluster(scenario).Run();

        Assert.InRange(recorder.Values.Count, 95, 105);
        Assert.True(recorder.Values.Zip(recorder.Values.Skip(1)).All(p => p.Second > p.First), "the share only grows");
        Assert.InRange(recorder.Values[0], 0, 0.01);
        Assert.InRange(recorder.Values[^1], 0.99, 1);
        Assert.Equal(unwatched.Scalars(), watched.Scalars());
    }

    [Fact]
    public void A_run_bounded_by_its_horizon_reports_simulated_time()
    {
        var recorder = new Recorder();
        new ServingCluster(ServingScenarios.Poisson(20, int.MaxValue) with { HorizonSeconds = 100, Progress = recorder }).Run();
        Assert.InRange(recorder.Values.Count, 90, 110);
        Assert.InRange(recorder.Values[^1], 0.98, 1);
    }
}
