using ClusterSim.Core.Cluster;
using ClusterSim.Core.Engine;
using ClusterSim.Core.Tests.Training;
using ClusterSim.Core.Training;

namespace ClusterSim.Core.Tests.Cluster;

public class JobStateTests
{
    private static readonly FailureModel Failing = new() { Enabled = true, MtbfHoursPerAccelerator = 5000, PlannedPerDay = 0, RestartSeconds = 600 };

    private static JobState Grown(CheckpointPolicy checkpoints, ElasticBatch batch = ElasticBatch.Fixed)
    {
        var spec = new ClusterTrainingJob
        {
            Name = "pretrain",
            Pool = "h100",
            ElasticMaxAccelerators = 48,
            ElasticBatch = batch,
            Job = TrainingJobs.Llama8B(dp: 2, tokens: 1e11, failures: Failing, checkpoints: checkpoints),
        }.Validated();
        var job = new JobState(spec, 0, TrainingStepModel.Step(spec.Job), new RandomStreams(1).For("failures"));
        job.Submit(0);
        job.Start(0, 16);
        return job;
    }

    [Fact]
    public void Young_and_Dalys_interval_shrinks_as_a_grown_job_fails_more_often()
    {
        // 16 accelerators fail every 5,000 / 16 h; grown to 48, three times as often: the interval follows √(2δM).
        JobState job = Grown(new CheckpointPolicy { WriteSeconds = 60 });
        Assert.Equal(CheckpointPolicy.YoungDaly(60, 5000 * 3600 / 16.0), job.CheckpointIntervalSeconds, 9);

        job.Resize(SimTime.FromSeconds(3600), 48);
        Assert.Equal(CheckpointPolicy.YoungDaly(60, 5000 * 3600 / 48.0), job.CheckpointIntervalSeconds, 9);
        Assert.InRange(job.CheckpointIntervalSeconds / CheckpointPolicy.YoungDaly(60, 5000 * 3600 / 16.0), 0.55, 0.6);   // about 1/√3

        job.Resize(SimTime.FromSeconds(7200), 16);
        Assert.Equal(CheckpointPolicy.YoungDaly(60, 5000 * 3600 / 16.0), job.CheckpointIntervalSeconds, 9);
    }

    [Fact]
    public void A_grown_job_trains_between_checkpoints_at_its_sizes_rate_less_its_sizes_writes()
    {
        // Grown to 48 at 1 h and restarted by 4,200 s: a day later it has trained 48 accelerators' rate at that size for
        // the day, less a write of 60 s every interval of that size.
        JobState job = Grown(new CheckpointPolicy { WriteSeconds = 60 });
        long grownAt = SimTime.FromSeconds(3600);
        double before = job.Progress(grownAt);
        job.Resize(grownAt, 48);
        job.Run(SimTime.FromSeconds(4200));

        double interval = CheckpointPolicy.YoungDaly(60, 5000 * 3600 / 48.0);
        double expected = before + (48 * job.Spec.TokensPerAcceleratorSecond(48) * interval / (interval + 60) * 86_400);
        Assert.Equal(expected, job.Progress(SimTime.FromSeconds(4200 + 86_400)), expected * 1e-12);
    }
}
