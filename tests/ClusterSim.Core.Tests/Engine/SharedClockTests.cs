using ClusterSim.Core.Engine;
using ClusterSim.Core.Inference;
using ClusterSim.Core.Tests.Inference;
using ClusterSim.Core.Tests.Training;
using ClusterSim.Core.Training;

namespace ClusterSim.Core.Tests.Engine;

/// <summary>Workloads on one injected clock interleave their events and change nothing of each other's results.</summary>
public class SharedClockTests
{
    [Fact]
    public void A_training_run_and_a_serving_fleet_on_one_simulator_give_what_each_gives_alone()
    {
        TrainingJob job = TrainingJobs.Llama8B(dp: 16, tokens: 2e9, failures: new FailureModel { MtbfHoursPerAccelerator = 20 });
        ServingScenario serving = ServingScenarios.Poisson(rate: 20, requests: 3000);
        TrainingResult trainingAlone = new TrainingRun(job, seed: 4).Run();
        ServingResult servingAlone = new ServingCluster(serving).Run();

        var clock = new Simulator();
        var training = new TrainingRun(job, seed: 4, clock);
        var fleet = new ServingCluster(serving, clock);
        training.Start();
        fleet.Start();
        clock.Run();
        TrainingResult trainingShared = training.Finish();
        ServingResult servingShared = fleet.Finish();

        Assert.True(trainingAlone.Failures > 0);
        Assert.Equal(trainingAlone.Scalars(), trainingShared.Scalars());
        Assert.Equal(servingAlone.Metrics.Ttft.Quantile(0.99), servingShared.Metrics.Ttft.Quantile(0.99));
        Assert.Equal(servingAlone.Metrics.Completed, servingShared.Metrics.Completed);
        Assert.True(clock.EventsFired > servingAlone.EventsFired);
    }

    [Fact]
    public void A_run_cannot_join_a_clock_that_has_started_nor_report_before_it_finishes()
    {
        var clock = new Simulator();
        var training = new TrainingRun(TrainingJobs.Llama8B(dp: 16, tokens: 2e9), seed: 1, clock);
        training.Start();
        Assert.Throws<InvalidOperationException>(training.Finish);
        clock.Run(until: SimTime.FromSeconds(1));
        Assert.Throws<ArgumentException>(() => new TrainingRun(TrainingJobs.Llama8B(), seed: 1, clock));
    }
}
